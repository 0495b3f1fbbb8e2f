import { create } from 'zustand';

/** The validator's answer being formed for the current sample (UI state only). */
interface ValidateState {
  expressionId: number | null;
  targets: number[];
  noTarget: boolean;
  start(expressionId: number): void;
  toggle(localId: number): void;
  toggleNoTarget(): void;
  clear(): void;
}

export const useValidateStore = create<ValidateState>()((set) => ({
  expressionId: null,
  targets: [],
  noTarget: false,
  start: (expressionId) => set((s) => (s.expressionId === expressionId ? s : { expressionId, targets: [], noTarget: false })),
  toggle: (id) => set((s) => ({ noTarget: false, targets: s.targets.includes(id) ? s.targets.filter((t) => t !== id) : [...s.targets, id].sort((a, b) => a - b) })),
  toggleNoTarget: () => set((s) => ({ noTarget: !s.noTarget, targets: [] })),
  clear: () => set({ targets: [], noTarget: false }),
}));
