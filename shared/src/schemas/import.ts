import { z } from 'zod';

/**
 * Imports an admin starts from the browser (server/src/services/import-jobs.ts): an uploaded
 * archive or a folder under the server's IMPORT_ROOT, imported by the CLI's importer as a
 * background job. The upload itself is a plain HTTP route (IMPORT_UPLOAD_PATH), not tRPC.
 */

/**
 * `auto` looks for meta_expressions.json (MeViS), JPEGImages/ + Annotations/ (DAVIS layout) or
 * video files (`<name>.mp4|.webm|.mov` beside a `<name>/` mask folder or `<name>.mask_dict.json`).
 */
export const IMPORT_FORMATS = ['auto', 'davis', 'mevis', 'video'] as const;
export type ImportFormatChoice = (typeof IMPORT_FORMATS)[number];
export const IMPORT_LAYOUTS = ['davis', 'mevis', 'video'] as const;

/**
 * The frame rate an import may state (`--fps`, the page's field): for video files the rate frames
 * are extracted at (default: the video's own), for frame folders the rate they were taken at
 * (default: DAVIS 24, MeViS 6). Outside this range it is refused.
 */
export const IMPORT_FPS = { min: 0.1, max: 120 } as const;
/** The sentence every refusal of an fps states (CLI, upload route, tRPC input). */
export const IMPORT_FPS_RULE = `fps must be a number from ${IMPORT_FPS.min} to ${IMPORT_FPS.max}`;
export const ImportFps = z.number(IMPORT_FPS_RULE).min(IMPORT_FPS.min, IMPORT_FPS_RULE).max(IMPORT_FPS.max, IMPORT_FPS_RULE);

/** An fps as the CLI or a query string gives it: the number, or null when it breaks IMPORT_FPS. */
export function parseImportFps(text: string): number | null {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text.trim())) return null;
  const n = Number(text);
  return n >= IMPORT_FPS.min && n <= IMPORT_FPS.max ? n : null;
}

/**
 * POST the archive's bytes here (Content-Type application/octet-stream, header X-Studio-Upload: 1)
 * with `?format=…&strict=1|0&name=<file name>` and optionally `&fps=<n>`; the answer is `{ jobId }` or a tRPC-shaped error.
 */
export const IMPORT_UPLOAD_PATH = '/uploads/import';

/** A folder under IMPORT_ROOT, as a relative path of plain names ('' is IMPORT_ROOT itself). */
export const ImportFolderPath = z
  .string()
  .max(1000)
  .refine((s) => !s.includes('\0'), 'a folder name cannot hold a NUL character');

export const ImportFoldersQuery = z.object({ under: ImportFolderPath.default('') });

export const ImportFolderList = z.object({
  under: z.string(),
  folders: z.array(z.object({ name: z.string(), layout: z.enum(IMPORT_LAYOUTS).nullable() })),
  /** More folders than listed (the list is cut). */
  more: z.boolean(),
});

export const StartFolderImport = z.object({
  folder: ImportFolderPath,
  format: z.enum(IMPORT_FORMATS).default('auto'),
  /** Refuse the import on any warning (the browser's default). */
  strict: z.boolean().default(true),
  /** Frame rate (IMPORT_FPS); unset: the video's own, or the layout's default. */
  fps: ImportFps.optional(),
});

/** `video`: frames extracted from video files by ffmpeg (and stored), one video after the other. */
export const IMPORT_PHASES = ['extract', 'check', 'video', 'frames', 'masks', 'commit', 'curation'] as const;

export const ImportProgressView = z.object({
  phase: z.enum(IMPORT_PHASES),
  done: z.number(),
  total: z.number(),
  /** Files extracted (extract) or checked so far, when the phase counts them. */
  files: z.number().nullable(),
  /** Bytes written so far (extract). */
  bytes: z.number().nullable(),
  /** Seconds left in this phase at its pace so far; null before there is a pace. */
  etaSeconds: z.number().nullable(),
  detail: z.string().nullable(),
});
export type ImportProgressView = z.infer<typeof ImportProgressView>;

/**
 * One phase of a finished import, for the report's timeline: its time (summed, should it come
 * back) and how far it got. The page's progress is polled, so a fast phase may never be seen
 * running; the report still says it happened and what it took.
 */
export const ImportPhaseTime = z.object({ phase: z.enum(IMPORT_PHASES), ms: z.number(), done: z.number(), total: z.number() });
export type ImportPhaseTime = z.infer<typeof ImportPhaseTime>;

export const ImportProblem = z.object({ file: z.string(), message: z.string() });
export const ImportWarningView = z.object({ code: z.string(), video: z.string(), file: z.string(), message: z.string() });

export const ImportReport = z.object({
  /** `refused`: nothing was imported (errors, or warnings under strict); `problems` say why, every one found. */
  outcome: z.enum(['imported', 'refused']),
  format: z.enum(IMPORT_LAYOUTS).nullable(),
  importId: z.number().nullable(),
  stats: z
    .object({
      videosAdded: z.number(),
      videosUnchanged: z.number(),
      frames: z.number(),
      objects: z.number(),
      masks: z.number(),
      expressionsAdded: z.number(),
      expressionsUnchanged: z.number(),
    })
    .nullable(),
  /** Videos this import added (the first VIDEOS_LISTED by name). */
  videos: z.array(z.object({ id: z.number(), name: z.string() })),
  problems: z.array(ImportProblem),
  warnings: z.array(ImportWarningView),
  coverage: z.object({ full: z.number(), sparse: z.array(z.object({ video: z.string(), localId: z.number(), masked: z.number(), frames: z.number() })) }).nullable(),
  curationJob: z.string().nullable(),
  /** The phases the run went through, in the order they began; reports stored before there was a timeline have none. */
  phases: z.array(ImportPhaseTime).default([]),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportSourceView = z.union([z.object({ kind: z.literal('upload'), name: z.string(), bytes: z.number() }), z.object({ kind: z.literal('folder'), path: z.string() })]);

export const ImportJobView = z.object({
  id: z.string(),
  /** `running` lasts through the curation scoring that follows a successful import. */
  state: z.enum(['queued', 'running', 'finished', 'failed']),
  source: ImportSourceView,
  format: z.enum(IMPORT_FORMATS),
  strict: z.boolean(),
  fps: z.number().nullable(),
  startedAt: z.number(),
  updatedAt: z.number(),
  progress: ImportProgressView.nullable(),
  report: ImportReport.nullable(),
  /** An unexpected failure (not a refused import: those have a report). */
  error: z.string().nullable(),
  curation: z.object({ state: z.enum(['queued', 'running', 'finished', 'failed']), scored: z.number().nullable(), failed: z.number().nullable() }).nullable(),
});
export type ImportJobView = z.infer<typeof ImportJobView>;

export const ImportStatus = z.object({
  job: ImportJobView.nullable(),
  /** Largest upload the server takes (IMPORT_MAX_BYTES). */
  maxUploadBytes: z.number(),
  /** Whether IMPORT_ROOT is set (folders can be picked on the server). */
  importRoot: z.boolean(),
});
export type ImportStatus = z.infer<typeof ImportStatus>;
