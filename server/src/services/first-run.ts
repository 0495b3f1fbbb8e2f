import { sql } from 'drizzle-orm';
import { firstRunChecklist, type FirstRunChecklist, type ProjectFacts } from '#shared/first-run.ts';
import type { Db } from '../db/client.ts';

// A type, not an interface: execute<T> wants a record type.
type FactsRow = {
  videos: number;
  accepted_videos: number;
  demo_videos: number;
  people: number;
  annotated_expressions: number;
  validations: number;
  releases: number;
};

/**
 * The counts the first-run checklist ticks itself off from, in one statement (one snapshot on
 * both engines). Staged videos of a running import (`importing`) do not count yet; demo videos are
 * counted apart, since they are synthetic and left out of releases. "People" hold a role of the
 * protocol's work (annotator, validator, speaker); admins and challenge participants are not them.
 */
export async function projectFacts(db: Db): Promise<ProjectFacts> {
  const { rows } = await db.execute<FactsRow>(sql`
    select
      (select count(*) from videos where status <> 'importing' and source <> 'demo') as videos,
      (select count(*) from videos where status = 'accepted' and source <> 'demo') as accepted_videos,
      (select count(*) from videos where status <> 'importing' and source = 'demo') as demo_videos,
      (select count(distinct u.id) from users u inner join user_roles r on r.user_id = u.id where u.disabled = false and r.role in ('annotator', 'validator', 'speaker')) as people,
      (select count(*) from expressions where origin = 'annotated') as annotated_expressions,
      (select count(*) from validations) as validations,
      (select count(*) from releases) as releases
  `);
  const r = rows[0]!;
  return {
    videos: Number(r.videos),
    acceptedVideos: Number(r.accepted_videos),
    demoVideos: Number(r.demo_videos),
    people: Number(r.people),
    annotatedExpressions: Number(r.annotated_expressions),
    validations: Number(r.validations),
    releases: Number(r.releases),
  };
}

export async function adminChecklist(db: Db): Promise<FirstRunChecklist & { facts: ProjectFacts }> {
  const facts = await projectFacts(db);
  return { ...firstRunChecklist(facts), facts };
}
