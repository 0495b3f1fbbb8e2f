import { z } from 'zod';

/**
 * Imports an admin starts from the browser (server/src/services/import-jobs.ts): an uploaded
 * archive or a folder under the server's IMPORT_ROOT, imported by the CLI's importer as a
 * background job. The upload itself is a plain HTTP route (IMPORT_UPLOAD_PATH), not tRPC.
 */

/** `auto` looks for meta_expressions.json (MeViS) or JPEGImages/ + Annotations/ (DAVIS layout). */
export const IMPORT_FORMATS = ['auto', 'davis', 'mevis'] as const;
export type ImportFormatChoice = (typeof IMPORT_FORMATS)[number];

/**
 * POST the archive's bytes here (Content-Type application/octet-stream, header X-Studio-Upload: 1)
 * with `?format=…&strict=1|0&name=<file name>`; the answer is `{ jobId }` or a tRPC-shaped error.
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
  folders: z.array(z.object({ name: z.string(), layout: z.enum(['davis', 'mevis']).nullable() })),
  /** More folders than listed (the list is cut). */
  more: z.boolean(),
});

export const StartFolderImport = z.object({
  folder: ImportFolderPath,
  format: z.enum(IMPORT_FORMATS).default('auto'),
  /** Refuse the import on any warning (the browser's default). */
  strict: z.boolean().default(true),
});

export const IMPORT_PHASES = ['extract', 'check', 'frames', 'masks', 'commit', 'curation'] as const;

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

export const ImportProblem = z.object({ file: z.string(), message: z.string() });
export const ImportWarningView = z.object({ code: z.string(), video: z.string(), file: z.string(), message: z.string() });

export const ImportReport = z.object({
  /** `refused`: nothing was imported (an error, or warnings under strict); `problems` say why. */
  outcome: z.enum(['imported', 'refused']),
  format: z.enum(['davis', 'mevis']).nullable(),
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
