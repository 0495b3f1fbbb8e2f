import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DIALECT } from '../db/dialect.ts';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { answerSums } from './answer-sums.ts';
import { nextSample, submitAnswer } from './validation.ts';

/**
 * PostgreSQL folds the validations log up to the oldest transaction still running (answer-sums.ts):
 * with one held open, answers that commit meanwhile are past the fold, yet every reader counts them
 * once — now, and after the fold moves past them.
 */
describe.skipIf(DIALECT !== 'postgres')('answer sums while another transaction runs (PostgreSQL; the SQLite run has one writer and folds by id)', () => {
  let app: TestApp;
  let blocker: pg.Client;

  beforeEach(async () => {
    app = await testApp();
    blocker = new pg.Client({ connectionString: app.config.databaseUrl });
    await blocker.connect();
  });

  afterEach(async () => {
    await blocker.end().catch(() => {});
    await app.cleanup();
  });

  const answered = async (validatorId: number) => (await answerSums(app.db)).validators.find((v) => v.userId === validatorId)?.answered ?? 0;

  it('counts answers given while an older transaction is open exactly once, before and after it ends', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const v1 = await makeUser(app, 'v1', ['validator']);
    const videoId = await importVideo(app, 'clip', 'accepted', 3);
    for (let i = 0; i < 4; i++) await addExpression(app, { videoId, authorId: ann.id, targets: [1 + (i % 3)] });
    const answer = async () => {
      const s = (await nextSample(app.db, v1.id, { random: () => 1 }))!;
      await submitAnswer(app.db, v1.id, s.expressionId, { kind: 'no_target' });
    };
    await answer();
    expect(await answered(v1.id)).toBe(1);

    // A writing transaction that stays open holds the fold's horizon where it is.
    await blocker.query('begin');
    await blocker.query(`insert into audit_log (at, action, entity) values (1, 'test.blocker', 'test')`);
    await answer();
    await answer();
    // Past the horizon, counted anyway (and repeatedly, without being folded twice).
    expect(await answered(v1.id)).toBe(3);
    expect(await answered(v1.id)).toBe(3);

    await blocker.query('rollback');
    // The fold moves past them: still 3, and the next answer makes 4.
    expect(await answered(v1.id)).toBe(3);
    await answer();
    expect(await answered(v1.id)).toBe(4);
  });
});
