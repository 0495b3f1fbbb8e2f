/** The "?" overlay: every key the page answers to. */
export function ShortcutHelp({ rows, onClose }: { rows: [string, string][]; onClose: () => void }) {
  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="shortcut-title" onClick={onClose}>
      <div className="modal" onClick={(e) => e.stopPropagation()}>
        <h2 id="shortcut-title">Keyboard shortcuts</h2>
        <table className="table shortcuts">
          <tbody>
            {rows.map(([key, what]) => (
              <tr key={key}>
                <td>
                  <kbd>{key}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">Press ? or Esc to close.</p>
        <button onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
