import { create } from 'zustand';
import type { RouterOutputs } from '../../trpc.ts';

type User = NonNullable<RouterOutputs['auth']['me']>;

interface SessionState {
  /**
   * The user this page was opened by. Kept when the server stops recognising the session, so the
   * page stays mounted (with its unsaved work) under a log-in dialog instead of being replaced.
   */
  user: User | null;
  /** A request was refused as unauthenticated while the page was in use. */
  expired: boolean;
  signedIn(user: User): void;
  setExpired(expired: boolean): void;
  loggedOut(): void;
}

export const useSessionStore = create<SessionState>()((set) => ({
  user: null,
  expired: false,
  signedIn: (user) => set({ user, expired: false }),
  setExpired: (expired) => set({ expired }),
  loggedOut: () => set({ user: null, expired: false }),
}));
