import { Link } from 'wouter';
import { ImportPanel } from '../import/ImportPanel.tsx';

/** Importing videos with masks: from the browser (an upload or a folder under IMPORT_ROOT), or from the command line. */
export function ImportPage() {
  return (
    <div data-testid="import-page">
      <h4>From the browser</h4>
      <ImportPanel />
      <h4>From the command line</h4>
      <p>
        Imports run with the studio's command line, on the machine that holds the data, with a progress bar. They are all or nothing: every file is checked first, and
        a running server keeps serving meanwhile.
      </p>
      <pre>
        <code>{`npm run studio -- import --format davis <root>   [--status candidate|accepted|excluded] [--fps N] [--strict]
npm run studio -- import --format mevis <split>  [--status …] [--fps N] [--strict]
npm run studio -- import --format video <dir>    [--status …] [--fps N] [--strict]`}</code>
      </pre>
      <ul>
        <li>
          <code>davis</code>: the DAVIS / YouTube-VOS / MOSE layout, <code>JPEGImages/&lt;video&gt;/</code> and <code>Annotations/&lt;video&gt;/</code> (palette PNGs), an
          optional <code>meta.json</code>.
        </li>
        <li>
          <code>mevis</code>: one MeViS split folder with <code>JPEGImages/</code>, <code>meta_expressions.json</code> and <code>mask_dict.json</code>; its expressions come in
          as accepted.
        </li>
        <li>
          <code>video</code>: video files (<code>&lt;name&gt;.mp4</code>, <code>.webm</code> or <code>.mov</code>), each beside a <code>&lt;name&gt;/</code> folder with a mask
          PNG per frame (palette PNGs, or a folder per object id of binary PNGs) or a <code>&lt;name&gt;.mask_dict.json</code>. ffmpeg extracts the frames at the video&apos;s
          own rate, or at <code>--fps</code>; the number of masks must equal the number of frames.
        </li>
        <li>
          Every problem found is listed at once (each naming its file); nothing is imported while there is one.
        </li>
        <li>
          New videos start as <em>candidates</em>: accept them on the <Link href="/admin/curation">curation</Link> page so annotators get them. Scores appear there within seconds.
        </li>
        <li>
          <code>--strict</code> refuses an import with warnings (a palette index with no object behind it, a PNG missing among dense masks) instead of listing them.
        </li>
      </ul>
    </div>
  );
}
