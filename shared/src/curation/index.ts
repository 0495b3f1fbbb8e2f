/** Video curation scores (paper §3.1 "Video Collection": R1 look-alike objects, R2 real motion). Pure, no I/O. */
export {
  accumulateMaskedPixels,
  colourBin,
  emptyHistogram,
  HIST_BINS,
  histogramDistance,
  normalizeHistogram,
  type RawImage,
} from './histogram.ts';
export { categoriesCompatible, lookalikePairs, type LookalikeCandidate, type LookalikePair } from './lookalike.ts';
export { FRAMES_PER_OBJECT, sampleEvenly, sampleFramesPerObject } from './sampling.ts';
export { suggestion, type CurationCounts, type CurationRules, type CurationSuggestion } from './suggestion.ts';
export { isSparseTrack } from './sparse.ts';
