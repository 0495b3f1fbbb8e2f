import { create } from 'zustand';

/** The audit log's user filter, shared so a name in the dashboard can open that user's recent work. */
export const useAuditFilter = create<{ actor: string; setActor: (actor: string) => void }>((set) => ({
  actor: '',
  setActor: (actor) => set({ actor }),
}));
