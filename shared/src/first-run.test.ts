import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIRST_RUN_STEPS, firstRunChecklist, type ProjectFacts } from './first-run.ts';

const EMPTY: ProjectFacts = { videos: 0, acceptedVideos: 0, demoVideos: 0, people: 0, annotatedExpressions: 0, validations: 0, releases: 0 };
const ticks = (f: ProjectFacts) => Object.fromEntries(firstRunChecklist(f).steps.map((s) => [s.id, s.done]));

describe('first-run checklist', () => {
  it('a new project: nothing done, import is next', () => {
    const c = firstRunChecklist(EMPTY);
    expect(c.steps.map((s) => s.id)).toEqual([...FIRST_RUN_STEPS]);
    expect(c.doneCount).toBe(0);
    expect(c.next).toBe('import');
    expect(c.steps.find((s) => s.id === 'curate')!.detail).toBe('import videos first');
  });

  it('the demo alone ticks nothing of import and curation, and says why', () => {
    const c = firstRunChecklist({ ...EMPTY, demoVideos: 3, people: 4 });
    expect(ticks({ ...EMPTY, demoVideos: 3, people: 4 })).toEqual({ import: false, curate: false, invite: true, watch: false, export: false });
    expect(c.steps[0]!.detail).toBe('no videos of your own yet (the 3 demo videos do not count)');
    expect(c.next).toBe('import');
  });

  it('each step ticks from its own facts', () => {
    expect(ticks({ ...EMPTY, videos: 2 })).toMatchObject({ import: true, curate: false });
    expect(ticks({ ...EMPTY, videos: 2, acceptedVideos: 1 })).toMatchObject({ import: true, curate: true });
    expect(ticks({ ...EMPTY, people: 1 })).toMatchObject({ invite: true });
    // Either kind of work counts as progress to watch.
    expect(ticks({ ...EMPTY, annotatedExpressions: 1 })).toMatchObject({ watch: true });
    expect(ticks({ ...EMPTY, validations: 1 })).toMatchObject({ watch: true });
    expect(ticks({ ...EMPTY, releases: 1 })).toMatchObject({ export: true });
  });

  it('all done: no next step; details count in words', () => {
    const c = firstRunChecklist({ videos: 1, acceptedVideos: 1, demoVideos: 0, people: 1, annotatedExpressions: 1, validations: 2, releases: 1 });
    expect(c.doneCount).toBe(5);
    expect(c.next).toBeNull();
    expect(c.steps.map((s) => s.detail)).toEqual(['1 video imported', '1 video accepted', '1 person with a working role', '1 expression written, 2 answers from validators', '1 release created']);
  });

  it('next is always the first step not done, and doneCount the ticks', () => {
    const n = fc.nat({ max: 3 });
    fc.assert(
      fc.property(fc.record({ videos: n, acceptedVideos: n, demoVideos: n, people: n, annotatedExpressions: n, validations: n, releases: n }), (f) => {
        const c = firstRunChecklist(f);
        expect(c.doneCount).toBe(c.steps.filter((s) => s.done).length);
        expect(c.next).toBe(c.steps.find((s) => !s.done)?.id ?? null);
      }),
    );
  });
});
