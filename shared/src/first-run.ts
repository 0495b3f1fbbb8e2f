/**
 * The admin's first-run checklist: import videos → curate → invite people → watch progress →
 * export. Each step ticks itself off from what the project holds (counted by
 * server/src/services/first-run.ts), so an admin who did a step from the CLI sees it done too.
 * Pure: the counts come in, the steps go out.
 */

export const FIRST_RUN_STEPS = ['import', 'curate', 'invite', 'watch', 'export'] as const;
export type FirstRunStepId = (typeof FIRST_RUN_STEPS)[number];

/** What the project holds, as far as the checklist cares. */
export interface ProjectFacts {
  /** Videos imported by the admin (not the synthetic demo videos, which releases leave out). */
  videos: number;
  /** Of those, accepted in curation (the ones annotators are given). */
  acceptedVideos: number;
  /** The synthetic demo videos: said, so a demo install does not look empty without reason. */
  demoVideos: number;
  /** Active users holding a working role (annotator, validator, speaker): the people who do the work. */
  people: number;
  /** Expressions written by annotators in the studio (imported ones are not work done here). */
  annotatedExpressions: number;
  /** Validators' answers. */
  validations: number;
  /** Releases created (from the page or the CLI). */
  releases: number;
}

export interface FirstRunStep {
  id: FirstRunStepId;
  title: string;
  done: boolean;
  /** One line on where the project stands for this step. */
  detail: string;
}

export interface FirstRunChecklist {
  steps: FirstRunStep[];
  doneCount: number;
  /** The first step not done yet: the one to do next (null when all are done). */
  next: FirstRunStepId | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function firstRunChecklist(f: ProjectFacts): FirstRunChecklist {
  const demoNote = f.demoVideos > 0 ? ` (the ${plural(f.demoVideos, 'demo video')} do not count)` : '';
  const steps: FirstRunStep[] = [
    {
      id: 'import',
      title: 'Import videos with masks',
      done: f.videos > 0,
      detail: f.videos > 0 ? `${plural(f.videos, 'video')} imported${demoNote}` : `no videos of your own yet${demoNote}`,
    },
    {
      id: 'curate',
      title: 'Curate: accept the videos worth annotating',
      done: f.acceptedVideos > 0,
      detail: f.acceptedVideos > 0 ? `${plural(f.acceptedVideos, 'video')} accepted` : f.videos > 0 ? 'none of your videos accepted yet' : 'import videos first',
    },
    {
      id: 'invite',
      title: 'Invite people: annotators, validators, speakers',
      done: f.people > 0,
      detail: f.people > 0 ? `${plural(f.people, 'person', 'people')} with a working role` : 'only admins so far',
    },
    {
      id: 'watch',
      title: 'Watch the work come in',
      done: f.annotatedExpressions > 0 || f.validations > 0,
      detail:
        f.annotatedExpressions > 0 || f.validations > 0
          ? `${plural(f.annotatedExpressions, 'expression')} written, ${plural(f.validations, 'answer')} from validators`
          : 'no expressions or answers yet',
    },
    {
      id: 'export',
      title: 'Export a release',
      done: f.releases > 0,
      detail: f.releases > 0 ? `${plural(f.releases, 'release')} created` : 'no release yet',
    },
  ];
  const doneCount = steps.filter((s) => s.done).length;
  return { steps, doneCount, next: steps.find((s) => !s.done)?.id ?? null };
}
