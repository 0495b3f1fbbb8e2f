import { create } from 'zustand';

/** The quality page's query, kept while the admin visits other pages. */
export interface QualityFilter {
  distance: 'masi' | 'jaccard';
  /** YYYY-MM-DD or '' for no bound. */
  from: string;
  to: string;
  iterations: number;
  minCount: number;
}

export const useQualityFilter = create<QualityFilter & { set: (patch: Partial<QualityFilter>) => void }>((set) => ({
  distance: 'masi',
  from: '',
  to: '',
  iterations: 1000,
  minCount: 20,
  set: (patch) => set(patch),
}));
