// Submission check: what a split expects (video / exp id / frame PNGs of a known size) against
// what a zip or folder holds, as one report that lists every problem at once, grouped and counted.
// Pure: the caller lists the members and decodes the PNGs; nothing here reads files.

/** One video of the split: its frames (names without extension), expression ids and frame size. */
export interface ExpectedVideo {
  video: string;
  frames: string[];
  expIds: string[];
  /** [height, width]; null when the split does not say (then sizes are not checked). */
  size: [number, number] | null;
}

/** A file of the submission: its path inside the zip (or relative to the folder), declared bytes. */
export interface SubmissionMember {
  name: string;
  bytes: number;
  /** Set by the reader for a member it must not open, e.g. a symbolic link in a folder. */
  unsafe?: string;
}

export interface SubmissionLimits {
  /** A mask PNG declaring more uncompressed bytes than this is refused unread (zip bomb). */
  maxMemberBytes: number;
  /** All members together; beyond it no PNG is inflated at all. */
  maxTotalBytes: number;
}

export const DEFAULT_SUBMISSION_LIMITS: SubmissionLimits = {
  maxMemberBytes: 64 * 1024 * 1024,
  // A valid split has ~176k frames; 8-bit 0/255 masks of 1280×720 are a few KB each.
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
};

export type ProblemKind =
  | 'unreadable-archive'
  | 'unsafe-path'
  | 'oversized-member'
  | 'oversized-total'
  | 'nested-root'
  | 'missing-video'
  | 'missing-expression'
  | 'missing-frame'
  | 'undecodable-png'
  | 'wrong-size'
  | 'extra-folder'
  | 'extra-file'
  | 'size-unknown';

export type Severity = 'error' | 'warning';

/** One finding; `count` > 1 when it stands for several files (a missing video, an extra folder). */
export interface Problem {
  kind: ProblemKind;
  path: string;
  detail?: string;
  count?: number;
}

export interface ProblemGroup {
  kind: ProblemKind;
  severity: Severity;
  title: string;
  /** e.g. "12 frame PNGs in 1 video", "3 PNGs". */
  summary: string;
  /** Files (or frames) concerned, summed over the items. */
  count: number;
  /** Distinct findings (videos, expressions, folders, files). */
  items: number;
  hint?: string;
  examples: Problem[];
}

export interface SubmissionReport {
  valid: boolean;
  errors: number;
  warnings: number;
  /** The folder the video folders were found under ('' = the root, as required). */
  root: string;
  expected: { videos: number; expressions: number; frames: number };
  found: { members: number; frames: number; checkedPngs: number };
  groups: ProblemGroup[];
}

/** A frame PNG the reader should open, decode and compare with `size`. */
export interface FrameToCheck {
  name: string;
  video: string;
  expId: string;
  frame: string;
  size: [number, number] | null;
}

export interface SubmissionPlan {
  root: string;
  expected: SubmissionReport['expected'];
  members: number;
  framesPresent: number;
  toCheck: FrameToCheck[];
  problems: Problem[];
}

/** Per kind: severity, title, and the units of `items` (findings) and `count` (files or frames). */
const KINDS: Record<ProblemKind, { severity: Severity; title: string; item: string; unit?: string; hint?: string }> = {
  'unreadable-archive': { severity: 'error', title: 'unreadable archive', item: 'archive' },
  'unsafe-path': { severity: 'error', title: 'unsafe member paths (refused, not read)', item: 'member', hint: 'member names must be relative paths with "/" separators, no "..", no leading "/"' },
  'oversized-member': { severity: 'error', title: 'members too large for a mask PNG (zip bomb?), not inflated', item: 'member' },
  'oversized-total': { severity: 'error', title: 'total uncompressed size over the limit (zip bomb?), no PNG inflated', item: 'archive' },
  'nested-root': {
    severity: 'error',
    title: 'video folders are not at the top of the zip',
    item: 'wrapping folder',
    hint: 'zip the video folders themselves, e.g. `cd {root} && zip -r ../submission.zip .`',
  },
  'missing-video': { severity: 'error', title: 'missing videos', item: 'video', unit: 'frame PNG' },
  'missing-expression': { severity: 'error', title: 'missing expressions', item: 'expression', unit: 'frame PNG' },
  'missing-frame': { severity: 'error', title: 'missing frame PNGs', item: 'expression', unit: 'frame PNG' },
  'undecodable-png': { severity: 'error', title: 'PNGs that cannot be decoded', item: 'PNG' },
  'wrong-size': { severity: 'error', title: "PNGs whose size differs from the frame's", item: 'PNG' },
  'extra-folder': { severity: 'warning', title: 'unexpected folders (ignored)', item: 'folder', unit: 'file' },
  'extra-file': { severity: 'warning', title: 'unexpected files (ignored)', item: 'file' },
  'size-unknown': { severity: 'warning', title: 'frame size unknown (sizes not checked)', item: 'video' },
};

const ORDER = Object.keys(KINDS) as ProblemKind[];

/** Why a member name is refused, or null: absolute, drive-letter, backslash or `..` paths. */
export function unsafeMemberReason(name: string): string | null {
  if (name.includes('\\')) return 'backslash in the path';
  if (name.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'drive-letter path';
  if (name.includes('\0')) return 'NUL byte in the path';
  if (name.split('/').some((p) => p === '..')) return 'path traversal ("..")';
  return null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Which folder holds the video folders: the root when any expected `<video>/<exp>/<file>` is
 * there, else the prefix holding most of them (one wrapping folder such as `Annotations/`).
 */
function findRoot(names: string[], videos: Set<string>): string {
  const hits = new Map<string, number>();
  for (const name of names) {
    const parts = name.split('/');
    for (let i = 0; i + 2 < parts.length; i++) {
      if (!videos.has(parts[i])) continue;
      const prefix = parts.slice(0, i).map((p) => `${p}/`).join('');
      hits.set(prefix, (hits.get(prefix) ?? 0) + 1);
      break;
    }
  }
  if (hits.has('') || hits.size === 0) return '';
  return [...hits].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0][0];
}

/**
 * First pass, from the member list only: layout, unsafe paths, declared sizes, missing and extra
 * files, and the frame PNGs that need opening (none when the archive is over the total limit).
 */
export function planSubmissionCheck(expected: ExpectedVideo[], members: SubmissionMember[], limits: SubmissionLimits = DEFAULT_SUBMISSION_LIMITS): SubmissionPlan {
  const problems: Problem[] = [];
  const byVideo = new Map(expected.map((v) => [v.video, v]));
  const safe: SubmissionMember[] = [];
  let total = 0;
  for (const m of members) {
    total += m.bytes;
    const reason = m.unsafe ?? unsafeMemberReason(m.name);
    if (reason) problems.push({ kind: 'unsafe-path', path: m.name, detail: reason });
    else safe.push(m);
  }
  const overTotal = total > limits.maxTotalBytes;
  if (overTotal) problems.push({ kind: 'oversized-total', path: '', detail: `${formatBytes(total)} declared, limit ${formatBytes(limits.maxTotalBytes)}` });

  const root = findRoot(safe.map((m) => m.name), new Set(byVideo.keys()));
  if (root) problems.push({ kind: 'nested-root', path: root, detail: `the video folders are under ${root}` });

  // present[video][expId] = frame file names present under root.
  const present = new Map<string, Map<string, Map<string, SubmissionMember>>>();
  const extraFolders = new Map<string, number>();
  const expIdSets = new Map(expected.map((v) => [v.video, new Set(v.expIds)]));
  const frameSets = new Map(expected.map((v) => [v.video, new Set(v.frames.map((f) => `${f}.png`))]));
  for (const m of safe) {
    if (!m.name.startsWith(root)) {
      addExtra(m.name.split('/'), 0, extraFolders, problems);
      continue;
    }
    const parts = m.name.slice(root.length).split('/');
    const [video, expId, file] = parts;
    const rootDepth = root ? root.split('/').length - 1 : 0;
    const full = m.name.split('/');
    if (!byVideo.has(video)) addExtra(full, rootDepth, extraFolders, problems);
    else if (parts.length < 2) addExtra(full, rootDepth + 1, extraFolders, problems);
    else if (!expIdSets.get(video)!.has(expId)) addExtra(full, rootDepth + 1, extraFolders, problems);
    else if (parts.length !== 3 || !frameSets.get(video)!.has(file)) addExtra(full, rootDepth + 2, extraFolders, problems);
    else {
      let exps = present.get(video);
      if (!exps) present.set(video, (exps = new Map()));
      let frames = exps.get(expId);
      if (!frames) exps.set(expId, (frames = new Map()));
      frames.set(file, m);
    }
  }
  for (const [folder, count] of extraFolders) problems.push({ kind: 'extra-folder', path: folder, detail: plural(count, 'file'), count });

  const toCheck: FrameToCheck[] = [];
  let framesPresent = 0;
  let expressions = 0;
  let frames = 0;
  for (const v of expected) {
    expressions += v.expIds.length;
    frames += v.expIds.length * v.frames.length;
    const exps = present.get(v.video);
    // A video without expressions expects nothing (any files in its folder are extra).
    if (!v.expIds.length) continue;
    if (!exps) {
      problems.push({ kind: 'missing-video', path: `${root}${v.video}/`, detail: `${plural(v.expIds.length, 'expression')}, ${plural(v.expIds.length * v.frames.length, 'frame')}`, count: v.expIds.length * v.frames.length });
      continue;
    }
    if (!v.size) problems.push({ kind: 'size-unknown', path: `${root}${v.video}/` });
    for (const expId of v.expIds) {
      const got = exps.get(expId);
      if (!got) {
        problems.push({ kind: 'missing-expression', path: `${root}${v.video}/${expId}/`, detail: plural(v.frames.length, 'frame'), count: v.frames.length });
        continue;
      }
      const missing = v.frames.filter((f) => !got.has(`${f}.png`));
      if (missing.length) {
        const shown = missing.slice(0, 3).map((f) => `${f}.png`).join(', ');
        problems.push({ kind: 'missing-frame', path: `${root}${v.video}/${expId}/`, detail: `${plural(missing.length, 'frame')}: ${shown}${missing.length > 3 ? ', …' : ''}`, count: missing.length });
      }
      for (const f of v.frames) {
        const m = got.get(`${f}.png`);
        if (!m) continue;
        framesPresent++;
        if (m.bytes > limits.maxMemberBytes) problems.push({ kind: 'oversized-member', path: m.name, detail: `${formatBytes(m.bytes)} declared, limit ${formatBytes(limits.maxMemberBytes)}` });
        else if (!overTotal) toCheck.push({ name: m.name, video: v.video, expId, frame: f, size: v.size });
      }
    }
  }
  return { root, expected: { videos: expected.length, expressions, frames }, members: members.length, framesPresent, toCheck, problems };
}

/**
 * An unexpected member: reported as the highest unexpected folder holding it (counted once per
 * file), or as a file when it sits directly in an expected folder. `depth` = index of the first
 * unexpected path part.
 */
function addExtra(parts: string[], depth: number, folders: Map<string, number>, problems: Problem[]): void {
  if (depth >= parts.length - 1) {
    problems.push({ kind: 'extra-file', path: parts.join('/') });
    return;
  }
  const folder = `${parts.slice(0, depth + 1).join('/')}/`;
  folders.set(folder, (folders.get(folder) ?? 0) + 1);
}

/** The problem a decoded PNG has against its frame, or null: pass the PNG's width and height. */
export function pngSizeProblem(frame: FrameToCheck, width: number, height: number): Problem | null {
  if (!frame.size || (frame.size[0] === height && frame.size[1] === width)) return null;
  return { kind: 'wrong-size', path: frame.name, detail: `${width}×${height}, the frame is ${frame.size[1]}×${frame.size[0]}` };
}

/** Second pass: the plan plus what opening the PNGs found, grouped by kind with counts. */
export function buildSubmissionReport(plan: SubmissionPlan, pngProblems: Problem[] = [], checkedPngs = plan.toCheck.length, examplesPerKind = 5): SubmissionReport {
  const byKind = new Map<ProblemKind, Problem[]>();
  for (const p of [...plan.problems, ...pngProblems]) {
    let list = byKind.get(p.kind);
    if (!list) byKind.set(p.kind, (list = []));
    list.push(p);
  }
  const groups: ProblemGroup[] = [];
  for (const kind of ORDER) {
    const list = byKind.get(kind);
    if (!list) continue;
    const k = KINDS[kind];
    groups.push({
      kind,
      severity: k.severity,
      title: k.title,
      summary: summary(k, list.length, list.reduce((n, p) => n + (p.count ?? 1), 0)),
      count: list.reduce((n, p) => n + (p.count ?? 1), 0),
      items: list.length,
      ...(k.hint ? { hint: k.hint.replace('{root}', plan.root.replace(/\/$/, '') || '.') } : {}),
      examples: list.slice(0, examplesPerKind),
    });
  }
  const errors = groups.filter((g) => g.severity === 'error').reduce((n, g) => n + g.items, 0);
  const warnings = groups.filter((g) => g.severity === 'warning').reduce((n, g) => n + g.items, 0);
  return {
    valid: errors === 0,
    errors,
    warnings,
    root: plan.root,
    expected: plan.expected,
    found: { members: plan.members, frames: plan.framesPresent, checkedPngs },
    groups,
  };
}

/** A report that is only "the archive could not be read at all". */
export function unreadableReport(expected: ExpectedVideo[], reason: string): SubmissionReport {
  const plan = planSubmissionCheck(expected, []);
  return buildSubmissionReport({ ...plan, problems: [{ kind: 'unreadable-archive', path: '', detail: reason }] }, [], 0);
}

/** The human summary `studio check-submission` prints. */
export function formatSubmissionReport(report: SubmissionReport): string {
  const { expected: e, found: f } = report;
  const lines = [
    `expected ${plural(e.videos, 'video')}, ${plural(e.expressions, 'expression')}, ${plural(e.frames, 'frame PNG')}; ` +
      `found ${plural(f.members, 'file')}, ${plural(f.frames, 'expected frame PNG')} (${f.checkedPngs} opened)`,
  ];
  for (const g of report.groups) {
    lines.push(`${g.severity === 'error' ? 'ERROR  ' : 'warning'} ${g.title}: ${g.summary}`);
    for (const p of g.examples) lines.push(`          ${p.path || '(archive)'}${p.detail ? ` — ${p.detail}` : ''}`);
    if (g.items > g.examples.length) lines.push(`          … and ${g.items - g.examples.length} more`);
    if (g.hint) lines.push(`          hint: ${g.hint}`);
  }
  lines.push(
    report.valid
      ? `submission OK${report.warnings ? ` (${plural(report.warnings, 'warning')})` : ''}`
      : `submission INVALID: ${plural(report.errors, 'error')}${report.warnings ? `, ${plural(report.warnings, 'warning')}` : ''}`,
  );
  return lines.join('\n');
}

function summary(k: { item: string; unit?: string }, items: number, count: number): string {
  return k.unit ? `${plural(count, k.unit)} in ${plural(items, k.item)}` : plural(items, k.item);
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
