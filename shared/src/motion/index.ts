/** Per-object motion statistics from COCO RLE mask tracks (guideline A1, curation rule R2). */
export { DEFAULT_MOTION_THRESHOLDS, objectMotion, type MotionThresholds, type ObjectMotion } from './object-motion.ts';
export { videoMotionSummary } from './video-motion.ts';
export { ABSENT, MOVING, objectTimeline, STILL } from './timeline.ts';
