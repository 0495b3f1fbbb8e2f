import type { ImportProgressView } from '#shared/schemas/import.ts';

type Phase = ImportProgressView['phase'];

/** What each phase of an import does, as the progress line and the report's timeline say it. */
export const PHASE_LABELS: Record<Phase, string> = {
  extract: 'unpacking the archive',
  check: 'checking the folder for links',
  video: 'extracting frames from the videos',
  frames: 'reading and checking frames',
  masks: 'reading and checking masks',
  commit: 'writing to the database',
  curation: 'scoring videos for curation',
};

/** What a phase's done / total count (`n`: how many, for the singular of one). */
export function phaseUnit(phase: Phase, n = 2): string {
  switch (phase) {
    case 'extract':
      return 'of the archive read';
    case 'curation':
      return n === 1 ? 'video scored' : 'videos scored';
    case 'commit':
      return n === 1 ? 'video' : 'videos';
    case 'video':
      return n === 1 ? 'frame' : 'frames';
    default:
      return n === 1 ? 'file' : 'files';
  }
}
