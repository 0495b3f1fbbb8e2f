/**
 * CRASH_SELFTEST=1: proof that test:crash's checks can fail. After the real verdict, a copy of the
 * data dir is damaged on purpose (an acknowledged row deleted, a duplicate planted, a status that
 * contradicts its answers, a half-written and a missing store file, a stray temporary file) and the
 * same checks must report every one of them.
 */
import Database from 'better-sqlite3';
import { cpSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Ledger } from './crash-actors.ts';
import { checkDatabase } from './crash-check.ts';

interface Sabotage {
  what: string;
  /** A substring the failure list must contain. */
  expect: string;
}

const storePath = (storeDir: string, h: string) => path.join(storeDir, h.slice(0, 2), h.slice(2, 4), h);

export function selfTest(dataDir: string, scratch: string, ledger: Ledger, ours: { annotators: Set<number>; validators: Set<number>; speakers: Set<number> }): { lines: string[]; missed: string[] } {
  const copy = path.join(scratch, 'sabotaged');
  rmSync(copy, { recursive: true, force: true });
  cpSync(dataDir, copy, { recursive: true });
  const storeDir = path.join(copy, 'store');
  const db = new Database(path.join(copy, 'studio.db'));
  db.pragma('foreign_keys = OFF');
  const done: Sabotage[] = [];
  try {
    const acked = ledger.submits.filter((o) => o.state === 'acked');
    const answers = ledger.answers.filter((o) => o.state === 'acked');
    const uploads = ledger.uploads.filter((o) => o.state === 'acked');
    const touched = new Set<number>();

    const lostExpr = acked[0];
    if (lostExpr) {
      db.prepare('delete from expressions where uid = ?').run(lostExpr.uid);
      touched.add(lostExpr.expressionId!);
      done.push({ what: 'an acknowledged expression deleted', expect: `LOST expression uid ${lostExpr.uid}` });
    }
    const lostAnswer = answers.find((a) => !touched.has(a.expressionId));
    if (lostAnswer) {
      db.prepare('delete from validations where expression_id = ? and validator_id = ?').run(lostAnswer.expressionId, lostAnswer.validatorId);
      touched.add(lostAnswer.expressionId);
      done.push({ what: 'an acknowledged answer deleted', expect: `LOST answer of validator ${lostAnswer.validatorId} to sample ${lostAnswer.expressionId}` });
    }
    const dup = acked.find((o) => !touched.has(o.expressionId!));
    if (dup) {
      db.prepare(
        `insert into expressions (uid, video_id, author_id, text, kind, motion_reasoning, status, origin, gold, created_at)
         select 'sabotage-dup', video_id, author_id, text, kind, motion_reasoning, 'pending', origin, gold, created_at from expressions where uid = ?`,
      ).run(dup.uid);
      touched.add(dup.expressionId!);
      done.push({ what: 'a second row for an acknowledged expression', expect: 'DUPLICATED expression' });
    }
    const decided = db.prepare(`select id from expressions where origin = 'annotated' and status = 'accepted' and uid <> 'sabotage-dup'`).all() as { id: number }[];
    const wrong = decided.find((d) => !touched.has(d.id));
    if (wrong) {
      db.prepare(`update expressions set status = 'second_round', decided_at = null where id = ?`).run(wrong.id);
      touched.add(wrong.id);
      done.push({ what: 'a status that contradicts its answers', expect: `expression ${wrong.id} (second_round)` });
    }
    const twice = decided.find((d) => !touched.has(d.id));
    const stranger = [...ours.validators].find((v) => twice && !db.prepare('select 1 from validations where expression_id = ? and validator_id = ?').get(twice.id, v));
    if (twice && stranger !== undefined) {
      db.prepare(`insert into validations (expression_id, validator_id, round, answer, agrees, duration_ms, created_at) values (?, ?, 1, 'no_target', 0, 1, 0)`).run(twice.id, stranger);
      done.push({ what: 'a second answer in the same round', expect: `sample:round ${twice.id}:1` });
    }
    const recs = db.prepare('select id, sha256, original_sha256 from recordings order by id').all() as { id: number; sha256: string; original_sha256: string | null }[];
    if (uploads.length && recs.length >= 2) {
      const half = storePath(storeDir, recs[0]!.sha256);
      const size = readFileSync(half).length;
      truncateSync(half, Math.floor(size / 2));
      done.push({ what: 'a store file cut in half', expect: `${recs[0]!.sha256}: content hashes to` });
      unlinkSync(storePath(storeDir, recs[1]!.original_sha256!));
      done.push({ what: 'a referenced store file removed', expect: `points at ${recs[1]!.original_sha256}, which is not in the store` });
    }
    writeFileSync(path.join(storeDir, 'tmp', 'half-written.wav'), 'RIFF');
    done.push({ what: 'a stray file in store/tmp', expect: 'store/tmp/half-written.wav: not a store temporary file' });
  } finally {
    db.close();
  }
  const report = checkDatabase(path.join(copy, 'studio.db'), storeDir, ledger, ours);
  const missed = done.filter((s) => !report.failures.some((f) => f.includes(s.expect))).map((s) => s.what);
  rmSync(copy, { recursive: true, force: true });
  return {
    lines: [`self-test: ${done.length - missed.length} of ${done.length} deliberate damages detected (${done.map((s) => s.what).join('; ')}); the damaged copy scored lost=${report.lost} duplicated=${report.duplicated}`],
    missed,
  };
}
