import { METRIC_LABELS, METRICS, type Metric } from '#shared/challenge/rules.ts';

/** Scores ×100 with two decimals, as the MeViS papers print them. */
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : (100 * x).toFixed(2));

export const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export const bytes = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export { METRICS, METRIC_LABELS, type Metric };

export const STATE_LABEL: Record<string, string> = {
  queued: 'waiting',
  checking: 'checking',
  scoring: 'scoring',
  scored: 'scored',
  invalid: 'refused by the check',
  failed: 'failed',
};

export const isLive = (state: string) => state === 'queued' || state === 'checking' || state === 'scoring';

/**
 * Sends the zip as the raw request body (streamed to disk by the server, not through tRPC), with
 * our header (the server's CSRF check) and upload progress, which fetch() cannot report.
 */
export function uploadSubmission(challengeId: number, file: File, onProgress: (sent: number, total: number) => void): Promise<{ submissionId: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/media/challenges/${challengeId}/submissions`);
    xhr.setRequestHeader('x-studio-upload', '1');
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    xhr.setRequestHeader('content-type', 'application/zip');
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onload = () => {
      const body = parseAnswer(xhr.responseText);
      if (xhr.status === 200 && body?.result) resolve(body.result.data);
      else reject(new Error(body?.error?.message ?? `the server answered ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error('the upload was interrupted; check the connection and try again'));
    xhr.send(file);
  });
}

type Answer = { result?: { data: { submissionId: number } }; error?: { message: string } };

function parseAnswer(text: string): Answer | null {
  try {
    return JSON.parse(text) as Answer;
  } catch {
    return null;
  }
}

/** Saves text as a file from the page (the leaderboard's CSV). */
export function saveText(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
