import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { IMPORT_FPS, IMPORT_FPS_RULE } from '#shared/schemas/import.ts';
import { ImportError, ImportProblems } from './errors.ts';
import { extractionSlots, type ExtractionSlots } from './extraction-slots.ts';
import { extractFrames, probeVideo, videoTools, type VideoProbe, type VideoTools } from './ffmpeg.ts';
import { finishVideo, storeFrames, type ImportPlan, type ImportProgress, type PlannedFrame, type StagedFiles } from './plan.ts';
import { scanVideoFolder, type MaskSource, type VideoFileEntry } from './video-layout.ts';
import { videoObjects } from './video-masks.ts';

/**
 * Bounds of an import of video files: what one video may become, what a whole import may, and
 * how long ffmpeg may take. Checked before extraction from what ffprobe reads (size, rate,
 * duration) and again, whatever the header claimed, on what ffmpeg really writes.
 */
export interface VideoLimits {
  /** Frames one video may give. */
  maxFrames: number;
  /** Pixels of one frame (4K UHD). */
  maxFramePixels: number;
  /** Frames × pixels of one video: 2,000 frames at 1920×1080; about 10,000 at 854×480, which maxFrames caps. */
  maxVideoPixels: number;
  /** Frames all videos of one import may give together (MeViSv2's train split has ~140k). */
  maxImportFrames: number;
  /** Time one video's extraction may take before ffmpeg is killed. */
  extractTimeoutMs: number;
  /** Time ffprobe may take to read one file. */
  probeTimeoutMs: number;
}

export const VIDEO_LIMITS: VideoLimits = {
  maxFrames: 5000,
  maxFramePixels: 3840 * 2160,
  maxVideoPixels: 2000 * 1920 * 1080,
  maxImportFrames: 200_000,
  extractTimeoutMs: 10 * 60_000,
  probeTimeoutMs: 30_000,
};

export interface VideoFileOptions {
  /** Rate to extract frames at (IMPORT_FPS); default: each video's own. */
  fps?: number;
  /** Where frames are extracted, a folder per video removed once its frames are stored. */
  scratchDir: string;
  /** Who extracts, for the per-user limit of extractionSlots (an account id; the CLI is `cli`). */
  actor?: string;
  limits?: Partial<VideoLimits>;
  /** Tests: other slots, other tools. */
  slots?: ExtractionSlots;
  tools?: VideoTools;
}

/** A probed video, with the rate it is extracted at and the frames that may give. */
interface Planned {
  entry: VideoFileEntry;
  probe: VideoProbe;
  /** For ffmpeg's fps filter: the stated rate, or the video's own as ffprobe gave it ("30000/1001"). */
  rate: string;
  fps: number;
  /** At most this many frames (maxFrames, and maxVideoPixels for its size). */
  cap: number;
  /** Frames expected from the header (duration × rate), or null when it gives no duration. */
  estimate: number | null;
}

interface Extracted {
  planned: Planned;
  frames: PlannedFrame[];
  width: number;
  height: number;
}

/** A rate or a count as messages show it: 24, 29.97, 0.1. */
const fmt = (n: number) => String(Math.round(n * 1000) / 1000);
/** 8294400 → "8.3 million", 3072 → "3,072". */
const pixels = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} billion` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} million` : n.toLocaleString('en'));

/**
 * Plans the import of a folder of video files (video-layout.ts): every video probed (ffprobe must
 * see a video stream in an MP4/MOV/WebM container), its frames extracted by ffmpeg at the stated
 * rate (default: its own) as JPEGs and stored like any import's frames, its masks read, the i-th
 * mask on the i-th frame. A video whose mask count differs from its extracted frame count is
 * refused with both numbers. The same plan as the DAVIS and MeViS importers make, committed by the
 * same all-or-nothing commit (run.ts); every problem of every video is reported together.
 *
 * Progress: phase `video` (frames extracted, over what the headers promise), then `masks`.
 */
export async function planVideoFiles(root: string, staged: StagedFiles, opts: VideoFileOptions, progress: ImportProgress = () => {}): Promise<ImportPlan> {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ImportError('', `import folder ${root} does not exist`);
  if (opts.fps !== undefined && !(opts.fps >= IMPORT_FPS.min && opts.fps <= IMPORT_FPS.max)) throw new ImportError('', IMPORT_FPS_RULE);
  const limits = { ...VIDEO_LIMITS, ...opts.limits };
  const problems = new ImportProblems();
  const entries = await scanVideoFolder(root, problems);
  if (entries.length === 0 && problems.count === 0) throw new ImportError('', 'contains no video files (.mp4, .webm, .mov)');
  const tools = opts.tools ?? (await videoTools());

  const planned: Planned[] = [];
  for (const entry of entries) {
    const p = await problems.check(() => planExtraction(tools, entry, opts.fps, limits));
    if (p) planned.push(p);
  }
  const promised = planned.reduce((s, p) => s + (p.estimate ?? 0), 0);
  const overBudget = promised > limits.maxImportFrames;
  if (overBudget) {
    problems.add(new ImportError('', `the videos would give about ${promised} frames in all, more than the ${limits.maxImportFrames} one import may hold; import them in parts`));
  }

  // Extracted even when other videos have problems already (their frames are then only checked,
  // not stored): a mask count that does not match is only known from the frames, and the report
  // names every problem.
  const extracted: Extracted[] = [];
  if (planned.length && !overBudget) {
    // One slot for the whole extraction phase: an import extracts one video after the other.
    const release = await (opts.slots ?? extractionSlots).acquire(opts.actor ?? 'cli');
    try {
      await mkdir(opts.scratchDir, { recursive: true });
      let total = promised || planned.length;
      let done = 0;
      let importFrames = 0;
      for (const p of planned) {
        const budget = Math.min(p.cap, limits.maxImportFrames - importFrames);
        const x = await problems.check(() =>
          extractVideo(tools, p, budget, limits, staged, opts.scratchDir, problems, (n) => {
            total = Math.max(total, done + n);
            progress({ phase: 'video', done: done + n, total, detail: p.entry.name });
          }),
        );
        if (!x) continue;
        importFrames += x.frames.length;
        done += x.frames.length;
        total += x.frames.length - (p.estimate ?? 0);
        progress({ phase: 'video', done, total: Math.max(total, done), detail: p.entry.name });
        extracted.push(x);
      }
    } finally {
      release();
    }
  }

  const plan: ImportPlan = { format: 'video', source: path.basename(path.resolve(root)), videos: [], warnings: [] };
  const masksTotal = extracted.reduce((s, x) => s + maskUnits(x.planned.entry.masks), 0);
  let masksDone = 0;
  for (const x of extracted) {
    const { entry } = x.planned;
    const read = await problems.check(() =>
      videoObjects(entry.masks, {
        video: entry.name,
        frames: x.frames.length,
        size: { width: x.width, height: x.height },
        framesSaid: framesSaid(x.planned, x.frames.length),
        problems,
        tick: () => progress({ phase: 'masks', done: ++masksDone, total: Math.max(masksTotal, masksDone), detail: entry.name }),
      }),
    );
    if (!read) continue;
    plan.warnings.push(...read.warnings);
    plan.videos.push(finishVideo({ name: entry.name, width: x.width, height: x.height, frames: x.frames, annotatedFrames: x.frames.length, objects: read.objects }, x.planned.fps));
  }
  problems.throwIfAny();
  return plan;
}

/** What ffprobe reads of a video, checked against the limits before a frame is decoded. */
async function planExtraction(tools: VideoTools, entry: VideoFileEntry, fps: number | undefined, limits: VideoLimits): Promise<Planned> {
  const probe = await probeVideo(tools, entry.path, entry.rel, { timeoutMs: limits.probeTimeoutMs });
  const area = probe.width * probe.height;
  if (area > limits.maxFramePixels) {
    throw new ImportError(entry.rel, `frames are ${probe.width}×${probe.height} (${pixels(area)} pixels), more than the limit of ${pixels(limits.maxFramePixels)} pixels per frame`);
  }
  let rate: string;
  let chosen: number;
  if (fps !== undefined) {
    // To the millisecond, as a fraction ffmpeg's fps filter takes exactly.
    rate = `${Math.max(1, Math.round(fps * 1000))}/1000`;
    chosen = fps;
  } else {
    if (probe.rate === null || probe.fps === null) throw new ImportError(entry.rel, 'ffprobe finds no frame rate in it: state the rate to extract at (--fps, or the frame rate field of the import page)');
    if (probe.fps > IMPORT_FPS.max || probe.fps < IMPORT_FPS.min) {
      throw new ImportError(entry.rel, `runs at ${fmt(probe.fps)} fps, outside ${IMPORT_FPS.min}–${IMPORT_FPS.max} fps: state the rate to extract at (--fps, or the frame rate field of the import page)`);
    }
    rate = probe.rate;
    chosen = probe.fps;
  }
  const cap = Math.min(limits.maxFrames, Math.floor(limits.maxVideoPixels / area));
  const estimate =
    fps === undefined && probe.declaredFrames !== null ? probe.declaredFrames : probe.durationSec !== null ? Math.ceil(probe.durationSec * chosen - 1e-6) : null;
  if (estimate !== null && estimate > cap) {
    const secs = probe.durationSec !== null ? ` (${probe.durationSec.toFixed(1)} s)` : '';
    throw new ImportError(entry.rel, `would give about ${estimate} frames at ${fmt(chosen)} fps${secs}, more than the limit of ${cap} frames ${capReason(cap, limits, probe)}`);
  }
  return { entry, probe, rate, fps: chosen, cap, estimate };
}

function capReason(cap: number, limits: VideoLimits, probe: VideoProbe): string {
  return cap < limits.maxFrames
    ? `for ${probe.width}×${probe.height} frames (${pixels(limits.maxVideoPixels)} pixels per video, frames × frame size)`
    : 'per video';
}

/** "cars.mp4 gives 48 frames at 24 fps" */
function framesSaid(p: Planned, frames: number): string {
  return `${p.entry.rel} gives ${frames} frames at ${fmt(p.fps)} fps`;
}

/** Mask files (or, for a mask_dict.json, tracks: counted as one) of a video, for the progress of the masks phase. */
function maskUnits(m: MaskSource): number {
  if (m.kind === 'palette') return m.files.length;
  if (m.kind === 'objects') return m.objects.reduce((s, o) => s + o.files.length, 0);
  return 1;
}

/** Mask sequences of a folder, each with its name in the error (a mask_dict.json is checked per track later). */
function maskCounts(m: MaskSource): { rel: string; count: number }[] {
  if (m.kind === 'palette') return [{ rel: m.rel, count: m.files.length }];
  if (m.kind === 'objects') return m.objects.map((o) => ({ rel: o.rel, count: o.files.length }));
  return [];
}

/**
 * Extracts one video's frames into a fresh folder under `scratch`, checks them against the limits
 * and the masks' count, stores them (plan.ts storeFrames, which checks each JPEG) and removes the
 * folder again, whatever happened.
 */
async function extractVideo(
  tools: VideoTools,
  p: Planned,
  budget: number,
  limits: VideoLimits,
  staged: StagedFiles,
  scratch: string,
  problems: ImportProblems,
  onFrames: (n: number) => void,
): Promise<Extracted | undefined> {
  const { entry } = p;
  if (budget < 2) throw new ImportError(entry.rel, `not extracted: the import already holds ${limits.maxImportFrames} frames, the limit; import the rest in parts`);
  const dir = await mkdtemp(path.join(scratch, 'frames-'));
  try {
    const count = await extractFrames(tools, entry.path, entry.rel, dir, { rate: p.rate, maxFrames: budget, timeoutMs: limits.extractTimeoutMs, onFrames });
    if (count > budget) {
      const why = budget < p.cap ? `the ${limits.maxImportFrames} frames one import may hold` : `the limit of ${p.cap} frames ${capReason(p.cap, limits, p.probe)}`;
      throw new ImportError(entry.rel, `gives more than ${budget} frames at ${fmt(p.fps)} fps, ${why}`);
    }
    if (count < 2) throw new ImportError(entry.rel, `ffmpeg extracted ${count} frame(s) at ${fmt(p.fps)} fps; a motion video needs at least 2`);
    const mismatched = maskCounts(entry.masks).filter((m) => m.count !== count);
    if (mismatched.length) {
      const wouldMatch = (masks: number) => (p.probe.durationSec ? `; masks at about ${fmt(Math.round((masks / p.probe.durationSec) * 100) / 100)} fps over its ${p.probe.durationSec.toFixed(2)} s would match` : '');
      for (const m of mismatched) {
        problems.add(new ImportError(m.rel, `holds ${m.count} masks but ${framesSaid(p, count)}: every frame needs exactly one mask${wouldMatch(m.count)}`));
      }
      return undefined;
    }
    const names = Array.from({ length: count }, (_, i) => String(i).padStart(5, '0'));
    const before = problems.count;
    const stored = await storeFrames(staged, dir, `${entry.rel} → frame`, names, '.jpg', () => {}, problems);
    return problems.count > before ? undefined : { planned: p, frames: stored.frames, width: stored.width, height: stored.height };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
