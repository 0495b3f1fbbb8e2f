import { ImportError } from './errors.ts';

/**
 * Inputs an import accepts but a person should look at: each names the file it is about. A strict
 * import (`--strict`; what an import started from the browser should use) refuses them instead,
 * writing nothing.
 */
export interface ImportWarning {
  code: 'stray-object' | 'missing-mask';
  video: string;
  file: string;
  message: string;
}

/** Frames of the video with a mask of the object, out of all its frames. */
export interface ObjectCoverage {
  video: string;
  localId: number;
  masked: number;
  frames: number;
}

/**
 * Objects of videos annotated on every frame (a mask or an annotated absence on each: a full
 * track, what MeViS needs) and, listed, the objects of videos whose masks cover key frames only.
 */
export interface CoverageReport {
  full: number;
  sparse: ObjectCoverage[];
}

// A PNG missing between others is a lost file when the masks are otherwise dense: at least 3 of
// every 4 frames from the first mask to the last carry one. Key-frame annotation (XMem/AOT-style:
// every 5th frame, or a handful) stays under that and is reported as sparse, not warned about.
const DENSE_SHARE = 3 / 4;

/**
 * PNGs missing between two others in a densely annotated video (DAVIS layout: a frame without a
 * PNG has no mask of any object, so a lost file silently hides every object there). `dir` is the
 * video's mask folder relative to the import root; `annotated` holds the indices of the frames
 * that have a PNG, ascending.
 */
export function missingMaskWarnings(video: string, dir: string, frameNames: readonly string[], annotated: readonly number[]): ImportWarning[] {
  if (annotated.length < 2) return [];
  const first = annotated[0]!;
  const last = annotated.at(-1)!;
  const span = last - first + 1;
  if (annotated.length === span || annotated.length < span * DENSE_SHARE) return [];
  const has = new Set(annotated);
  const out: ImportWarning[] = [];
  let prev = first;
  for (let i = first + 1; i < last; i++) {
    if (has.has(i)) {
      prev = i;
      continue;
    }
    let next = i + 1;
    while (!has.has(next)) next++;
    out.push({
      code: 'missing-mask',
      video,
      file: `${dir}/${frameNames[i]}.png`,
      message:
        `missing between ${frameNames[prev]}.png and ${frameNames[next]}.png (${annotated.length} of the ${span} frames ` +
        `from the first mask to the last have one): no object is masked on frame ${frameNames[i]}`,
    });
  }
  return out;
}

// A palette index with no object behind it (a stray pixel value, a label painted by mistake): an
// id on at most STRAY_MAX_FRAMES frames of a video that has a PNG on at least STRAY_MIN_ANNOTATED
// frames, where no meta.json lists the video's objects. Real objects stay in view longer than two
// frames (83 ms at 24 fps); in a video with fewer annotated frames (key frames only, or the first
// frame only) every object is on few of them, so the rule stays off there. With meta.json an
// unlisted id is refused outright (planDavis).
const STRAY_MAX_FRAMES = 2;
const STRAY_MIN_ANNOTATED = 20;

/**
 * Object ids of a DAVIS-layout video that look like stray palette indices (see above); `pngs` are
 * the mask files the id appears in, in frame order.
 */
export function strayObjectWarnings(video: string, dir: string, annotatedFrames: number, objects: readonly { localId: number; pngs: readonly string[] }[]): ImportWarning[] {
  if (annotatedFrames < STRAY_MIN_ANNOTATED) return [];
  return objects
    .filter((o) => o.pngs.length <= STRAY_MAX_FRAMES)
    .map((o) => {
      const [first, ...rest] = o.pngs;
      const also = rest.length ? ` and in ${rest.join(', ')}` : '';
      return {
        code: 'stray-object' as const,
        video,
        file: `${dir}/${first}`,
        message:
          `object id ${o.localId} appears only here${also} (${o.pngs.length} of ${annotatedFrames} annotated frames) ` +
          `and no meta.json names it; it becomes an object with a ${o.pngs.length}-frame track`,
      };
    });
}

/** Per-object coverage of a plan: a video is sparse when some of its frames carry no annotation. */
export function coverageOf(
  videos: readonly { name: string; annotatedFrames: number; frames: readonly unknown[]; objects: readonly { localId: number; masks: readonly unknown[] }[] }[],
): CoverageReport {
  const report: CoverageReport = { full: 0, sparse: [] };
  for (const v of videos) {
    if (v.annotatedFrames >= v.frames.length) {
      report.full += v.objects.length;
      continue;
    }
    for (const o of v.objects) report.sparse.push({ video: v.name, localId: o.localId, masked: o.masks.length, frames: v.frames.length });
  }
  return report;
}

const LISTED = 5;

/** What a strict import throws: every warning is kept for a report; the message names the first few files. */
export class ImportWarningsRefused extends ImportError {
  constructor(readonly warnings: readonly ImportWarning[]) {
    const shown = warnings.slice(0, LISTED).map((w) => `${w.file}: ${w.message}`);
    const more = warnings.length > LISTED ? `; and ${warnings.length - LISTED} more` : '';
    super('', `strict import refused ${warnings.length} warning(s), nothing was imported: ${shown.join('; ')}${more}`);
    this.name = 'ImportWarningsRefused';
  }
}

/** The import summary's lines about warnings and coverage, for the CLI (lists cut after a few). */
export function reportLines(warnings: readonly ImportWarning[], coverage: CoverageReport, maxListed = { warnings: 20, sparse: 10 }): string[] {
  const { full, sparse } = coverage;
  const shown = sparse.slice(0, maxListed.sparse).map((o) => `${o.video} #${o.localId} ${o.masked}/${o.frames}`);
  const rest = sparse.length > shown.length ? `, and ${sparse.length - shown.length} more` : '';
  const lines = [`masks: ${full} object(s) annotated on every frame${sparse.length ? `; ${sparse.length} sparse (some frames not annotated; masked/all frames): ${shown.join(', ')}${rest}` : ''}`];
  if (warnings.length) {
    lines.push(`${warnings.length} warning(s), imported anyway (--strict refuses them):`);
    for (const w of warnings.slice(0, maxListed.warnings)) lines.push(`  ${w.file}: ${w.message}`);
    if (warnings.length > maxListed.warnings) lines.push(`  … and ${warnings.length - maxListed.warnings} more (all are kept in the import's stats)`);
  }
  return lines;
}
