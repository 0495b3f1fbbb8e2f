import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { decodeRle } from '#shared/rle/index.ts';
import { checkJpeg } from '../import/jpeg.ts';
import { zipBytes, type ZipMember } from './zip-builder.ts';

export type SubmissionKind = 'perfect' | 'empty' | 'shifted';

/**
 * A challenge submission made from a release's ground truth (tests, e2e, test:abuse): the union of
 * each expression's targets per frame (perfect), nothing (empty), or the truth moved `shift` px
 * right. 8-bit grey 0/255 PNGs, `<video>/<exp_id>/<frame>.png` at the top of the zip.
 */
export function submissionMembers(splitDir: string, gtDir: string, kind: SubmissionKind, shift = 10): ZipMember[] {
  const meta = JSON.parse(readFileSync(path.join(gtDir, 'meta_expressions.json'), 'utf8')) as { videos: Record<string, { frames: string[]; expressions: Record<string, { anno_id?: unknown[] }> }> };
  const masks = JSON.parse(readFileSync(path.join(gtDir, 'mask_dict.json'), 'utf8')) as Record<string, ({ size: [number, number]; counts: string } | null)[]>;
  const members: ZipMember[] = [];
  for (const [video, v] of Object.entries(meta.videos)) {
    const jpegDir = path.join(splitDir, 'JPEGImages', video);
    const first = readdirSync(jpegDir).sort()[0]!;
    const { width: w, height: h } = checkJpeg(readFileSync(path.join(jpegDir, first)), first);
    for (const [expId, e] of Object.entries(v.expressions)) {
      v.frames.forEach((frame, i) => {
        const data = new Uint8Array(h * w);
        if (kind !== 'empty') {
          const dx = kind === 'shifted' ? shift : 0;
          for (const a of e.anno_id ?? []) {
            const rle = masks[String(a)]?.[i];
            if (!rle) continue;
            const m = decodeRle(rle);
            for (let y = 0; y < h; y++) for (let x = dx; x < w; x++) if (m[y * w + x - dx]) data[y * w + x] = 255;
          }
        }
        members.push({ name: `${video}/${expId}/${frame}.png`, data: encodePng({ width: w, height: h, data, channels: 1, depth: 8 }) });
      });
    }
  }
  return members;
}

export function submissionZip(splitDir: string, gtDir: string, kind: SubmissionKind): Buffer {
  return zipBytes(submissionMembers(splitDir, gtDir, kind));
}
