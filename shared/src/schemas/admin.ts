import { z } from 'zod';
import { SplitProportionsInput } from './video-splits.ts';
import { MAX_K_ANONYMITY, MIN_K_ANONYMITY } from '../export/k-anonymity.ts';
import { EXPRESSION_KINDS, EXPRESSION_ORIGINS, EXPRESSION_STATUSES, REJECT_REASONS, VALIDATION_ANSWERS, VIDEO_STATUSES } from '../domain.ts';
import { FIRST_RUN_STEPS } from '../first-run.ts';
import { RoleSchema, RolesSchema } from './users.ts';

/** The admin pages' inputs and outputs that are more than an id or two (server/src/routers/admin.ts). */

export const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  roles: z.array(RoleSchema),
  disabled: z.boolean(),
  createdAt: z.number(),
});

export const ExpressionListQuery = z.object({
  status: z.enum(EXPRESSION_STATUSES).optional(),
  gold: z.boolean().optional(),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});
export type ExpressionListQuery = z.infer<typeof ExpressionListQuery>;

export const AdminExpressionRow = z.object({
  id: z.number().int(),
  videoId: z.number().int(),
  videoName: z.string(),
  text: z.string(),
  kind: z.enum(EXPRESSION_KINDS),
  status: z.enum(EXPRESSION_STATUSES),
  rejectReason: z.enum(REJECT_REASONS).nullable(),
  origin: z.enum(EXPRESSION_ORIGINS),
  gold: z.boolean(),
  author: z.string().nullable(),
  createdAt: z.number(),
  /** Only for decided samples. */
  targets: z.array(z.number().int()).nullable(),
});

export const ExpressionPage = z.object({ total: z.number().int(), expressions: z.array(AdminExpressionRow) });

export const AuditQuery = z.object({
  /** Prefix of the action, e.g. "video." or "user.disable". */
  action: z.string().trim().max(60).optional(),
  entity: z.string().trim().max(40).optional(),
  entityId: z.string().trim().max(60).optional(),
  actor: z.string().trim().max(60).optional(),
  /** Keyset paging: entries older than this id. */
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** A release version: also a folder and a lock name. */
export const RELEASE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

/** A new release from the current data; or, with `rebuild`, an existing one written again. */
export const CreateReleaseInput = z.object({
  version: z.string().regex(RELEASE_VERSION, 'a version is 1–40 letters, digits, ".", "_" or "-"').optional(),
  seed: z.number().int().min(0).max(2 ** 31).optional(),
  notes: z.string().max(2000).optional(),
  requireAudio: z.boolean().default(false),
  /** Also the synthetic demo videos; stored in the release's parameters. */
  includeDemo: z.boolean().default(false),
  /** Videos not yet released keep the split their source gave them (off: by quota, unless an admin chose). */
  keepSplits: z.boolean().default(true),
  /** Proportions for the videos split by quota in this release (default: the settings'). */
  proportions: SplitProportionsInput.optional(),
  /** Speaker answers appear only when at least this many speakers share them (default 5; 1 = off). */
  kAnonymity: z.number().int().min(MIN_K_ANONYMITY).max(MAX_K_ANONYMITY).optional(),
  rebuild: z.string().max(40).optional(),
});

/** The answer of a command that returns nothing else. */
export const OkResult = z.object({ ok: z.literal(true) });

export const SetGoldInput = z.object({ expressionId: z.number().int().positive(), gold: z.boolean() });

/** Synthesize clips of these accepted expressions (bounded: one request, at most 5000 jobs). */
export const SynthesizeInput = z.object({ expressionIds: z.array(z.number().int().positive()).min(1).max(5000) });

/** "Fill N % of what still needs audio" with synthesized clips, chosen by a seeded order. */
export const FillAudioInput = z.object({ percent: z.number().min(1).max(100), seed: z.number().int().min(0).default(1) });

/** A background request (a TTS batch) by the id the server handed out. */
export const JobIdInput = z.object({ id: z.uuid() });

export const VideoStatusChanged = z.object({ changed: z.number().int() });

/** A user's roles, replaced as a whole (admin.users.setRoles). */
export const SetRolesInput = z.object({ userId: z.number().int().positive(), roles: RolesSchema });

const count = z.number().int().min(0);

/** The overview's first-run checklist (shared/src/first-run.ts) and the counts it ticked from. */
export const FirstRunChecklistView = z.object({
  steps: z.array(z.object({ id: z.enum(FIRST_RUN_STEPS), title: z.string(), done: z.boolean(), detail: z.string() })),
  doneCount: count,
  next: z.enum(FIRST_RUN_STEPS).nullable(),
  facts: z.object({ videos: count, acceptedVideos: count, demoVideos: count, people: count, annotatedExpressions: count, validations: count, releases: count }),
});

export const ExpressionIdInput = z.object({ expressionId: z.number().int().positive() });

/** One validator's answer to an expression, as the admin sees it. */
export const AdminAnswer = z.object({
  id: z.number().int(),
  validator: z.string(),
  /** 1 or 2 for protocol answers, 0 for a gold sample. */
  round: z.number().int(),
  answer: z.enum(VALIDATION_ANSWERS),
  /** The objects picked (local ids): [] for "no target", null for a rejection. */
  picks: z.array(z.number().int()).nullable(),
  /** Whether the picks equal the annotator's targets (the verdict the protocol counts). */
  agrees: z.boolean(),
  rejectReason: z.enum(REJECT_REASONS).nullable(),
  note: z.string().nullable(),
  durationMs: z.number(),
  createdAt: z.number(),
  /** When an admin took the answer out (a rater exclusion): it counts nowhere since; null = counts. */
  voidedAt: z.number().nullable(),
});

/** One expression with its targets and every answer it got (admin.expressions.get). */
export const AdminExpressionDetail = z.object({
  id: z.number().int(),
  videoId: z.number().int(),
  videoName: z.string(),
  videoStatus: z.enum(VIDEO_STATUSES),
  text: z.string(),
  kind: z.enum(EXPRESSION_KINDS),
  status: z.enum(EXPRESSION_STATUSES),
  rejectReason: z.enum(REJECT_REASONS).nullable(),
  origin: z.enum(EXPRESSION_ORIGINS),
  gold: z.boolean(),
  author: z.string().nullable(),
  createdAt: z.number(),
  decidedAt: z.number().nullable(),
  motionFrames: z.object({ start: z.number().int(), end: z.number().int() }).nullable(),
  revisionOf: z.number().int().nullable(),
  answerCount: count,
  /** null (with `hiddenBecause`) while the sample is undecided and the viewer also validates. */
  targets: z.array(z.number().int()).nullable(),
  answers: z.array(AdminAnswer).nullable(),
  hiddenBecause: z.string().nullable(),
});
export type AdminExpressionDetail = z.infer<typeof AdminExpressionDetail>;
