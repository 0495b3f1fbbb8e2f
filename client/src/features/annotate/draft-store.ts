import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/**
 * An expression being written. It lives in localStorage until the server has acknowledged it, so
 * a reload, a crashed tab or an expired session loses nothing; its `uid` is made once, when the
 * draft starts, and sent with every submit attempt, so a retry can never store it twice.
 */
export interface Draft {
  uid: string;
  videoId: number;
  targets: number[];
  /** Chosen explicitly: an empty target list alone is "nothing picked yet", not "no target". */
  noTarget: boolean;
  text: string;
  motionReasoning: boolean;
  acknowledged: string[];
  /** "Edit and resubmit": the rejected or discarded expression this draft rewrites. */
  revisionOf?: number;
  /** The moment of the motion marked on the object timeline (frames, inclusive). */
  motionFrames?: { start: number; end: number };
  updatedAt: number;
}

interface DraftState {
  drafts: Record<string, Draft>;
  get(userId: number, videoId: number): Draft | undefined;
  /** Creates the draft on first change. */
  update(userId: number, videoId: number, patch: Partial<Omit<Draft, 'uid' | 'videoId' | 'updatedAt'>>): void;
  discard(userId: number, videoId: number): void;
  /** The user's most recently edited draft that holds something, to resume after a reload. */
  latest(userId: number): Draft | undefined;
}

const key = (userId: number, videoId: number) => `${userId}:${videoId}`;

export function emptyDraft(videoId: number): Draft {
  return { uid: crypto.randomUUID(), videoId, targets: [], noTarget: false, text: '', motionReasoning: false, acknowledged: [], updatedAt: Date.now() };
}

export function hasContent(d: Draft | undefined): boolean {
  return Boolean(d && (d.text.trim() || d.targets.length || d.noTarget));
}

export const useDraftStore = create<DraftState>()(
  persist(
    (set, get) => ({
      drafts: {},
      get: (userId, videoId) => get().drafts[key(userId, videoId)],
      update: (userId, videoId, patch) =>
        set((s) => {
          const k = key(userId, videoId);
          const base = s.drafts[k] ?? emptyDraft(videoId);
          return { drafts: { ...s.drafts, [k]: { ...base, ...patch, updatedAt: Date.now() } } };
        }),
      discard: (userId, videoId) =>
        set((s) => {
          const drafts = { ...s.drafts };
          delete drafts[key(userId, videoId)];
          return { drafts };
        }),
      latest: (userId) =>
        Object.entries(get().drafts)
          .filter(([k, d]) => k.startsWith(`${userId}:`) && hasContent(d))
          .map(([, d]) => d)
          .sort((a, b) => b.updatedAt - a.updatedAt)[0],
    }),
    { name: 'studio-drafts', version: 1, storage: createJSONStorage(() => localStorage) },
  ),
);
