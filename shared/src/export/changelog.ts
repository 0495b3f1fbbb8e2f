import { SPLITS, type Split } from './splits.ts';

/**
 * CHANGELOG.md of a release: what changed against the project's previous release (by creation
 * order), by split. Pure: it compares the two releases' frozen rows (release_videos and
 * release_expressions, read by services/export/changelog-read.ts), so it is the same every time the
 * release is written.
 */

/** What a release holds, by id: videos (with their names), expressions, verified clips. */
export interface ReleaseContents {
  version: string;
  videos: readonly { id: number; name: string; split: Split }[];
  expressions: readonly { id: number; split: Split }[];
  clips: readonly { id: number; split: Split }[];
}

export interface Delta {
  added: number;
  removed: number;
}

export interface SplitDelta {
  split: Split;
  videos: Delta;
  expressions: Delta;
  clips: Delta;
}

export interface ReleaseDiff {
  version: string;
  /** null: the project's first release. */
  previous: string | null;
  splits: SplitDelta[];
  total: Omit<SplitDelta, 'split'>;
  /** Video names by split, sorted. */
  videosAdded: Partial<Record<Split, string[]>>;
  videosRemoved: Partial<Record<Split, string[]>>;
}

const KINDS = ['videos', 'expressions', 'clips'] as const;

/** Ids per split. An item that moved split counts as removed from one and added to the other. */
function bySplit(rows: readonly { id: number; split: Split }[]): Map<Split, Set<number>> {
  const out = new Map<Split, Set<number>>();
  for (const r of rows) {
    let s = out.get(r.split);
    if (!s) out.set(r.split, (s = new Set()));
    s.add(r.id);
  }
  return out;
}

const minus = (a: ReadonlySet<number> | undefined, b: ReadonlySet<number> | undefined) => [...(a ?? [])].filter((x) => !b?.has(x));
const sorted = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function diffReleases(previous: ReleaseContents | null, current: ReleaseContents): ReleaseDiff {
  const empty: ReleaseContents = { version: '', videos: [], expressions: [], clips: [] };
  const prev = previous ?? empty;
  const names = new Map([...prev.videos, ...current.videos].map((v) => [v.id, v.name]));
  const total = { videos: { added: 0, removed: 0 }, expressions: { added: 0, removed: 0 }, clips: { added: 0, removed: 0 } };
  const splits: SplitDelta[] = [];
  const videosAdded: ReleaseDiff['videosAdded'] = {};
  const videosRemoved: ReleaseDiff['videosRemoved'] = {};
  const sets = Object.fromEntries(KINDS.map((k) => [k, { before: bySplit(prev[k]), after: bySplit(current[k]) }])) as Record<(typeof KINDS)[number], { before: Map<Split, Set<number>>; after: Map<Split, Set<number>> }>;
  for (const split of SPLITS) {
    if (KINDS.every((k) => !sets[k].before.has(split) && !sets[k].after.has(split))) continue;
    const row = { split } as SplitDelta;
    for (const k of KINDS) {
      const added = minus(sets[k].after.get(split), sets[k].before.get(split));
      const removed = minus(sets[k].before.get(split), sets[k].after.get(split));
      row[k] = { added: added.length, removed: removed.length };
      total[k].added += added.length;
      total[k].removed += removed.length;
      if (k === 'videos') {
        if (added.length) videosAdded[split] = sorted(added.map((id) => names.get(id)!));
        if (removed.length) videosRemoved[split] = sorted(removed.map((id) => names.get(id)!));
      }
    }
    splits.push(row);
  }
  return { version: current.version, previous: previous?.version ?? null, splits, total, videosAdded, videosRemoved };
}

const n = (x: number) => x.toLocaleString('en-US');
const cell = (d: Delta) => `+${n(d.added)} / −${n(d.removed)}`;

function nameList(title: string, lists: Partial<Record<Split, string[]>>): string[] {
  const present = SPLITS.filter((s) => lists[s]?.length);
  if (!present.length) return [];
  return [`${title}:`, '', ...present.map((s) => `- ${s} (${n(lists[s]!.length)}): ${lists[s]!.join(', ')}`), ''];
}

export function renderChangelog(d: ReleaseDiff): string {
  const lines = [
    `# Changes in release ${d.version}`,
    '',
    d.previous === null
      ? `Release ${d.version} is the project's first release: everything in it is new.`
      : `Compared with release ${d.previous}, the project's previous release. Counts are added / removed; an expression whose verified clip changed counts as one clip removed and one added.`,
    '',
    '| split | videos | expressions | audio clips |',
    '|---|---|---|---|',
    ...d.splits.map((s) => `| ${s.split} | ${cell(s.videos)} | ${cell(s.expressions)} | ${cell(s.clips)} |`),
    `| **total** | ${cell(d.total.videos)} | ${cell(d.total.expressions)} | ${cell(d.total.clips)} |`,
    '',
    ...nameList('Videos added', d.videosAdded),
    ...nameList('Videos removed', d.videosRemoved),
  ];
  return lines.join('\n');
}
