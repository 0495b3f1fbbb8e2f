/**
 * The rest of a MeViS-scale project on top of buildScaleDb (bench/lib/scale-db.ts), for bench:scale:
 * the people and the work a project that produced the dataset through the studio would have left.
 *
 *  - users: annotators, validators (some of whom also annotate, so "not on my own videos" has work
 *    to do), speakers with profiles, one admin; all with one shared password hash;
 *  - every accepted expression becomes an annotated one with an author and the validations that
 *    accepted it (one agreeing answer, or a disagreement and an agreeing second round), spread over
 *    `days` days; a share of them are gold;
 *  - extra expressions that are discarded, rejected, in the second round or pending (the queue
 *    "next sample" works on), created over the last days;
 *  - clips (recordings): most verified, some waiting for a vote, some failed (a share of those
 *    with a later verified take), human or TTS, all pointing at one real WAV in the store, with
 *    their clip votes;
 *  - audit rows for every change above, annotation and recording skips, curation scores and
 *    motion flags of the objects.
 *
 * Rows go in through raw prepared statements in a few transactions; everything is drawn from a
 * seeded PRNG. Recordings' ASR status is never left 'pending', so a server started on the database
 * does not queue thousands of clips for the recognizer.
 */
import { encodeWav16 } from '#shared/audio/wav-encode.ts';
import { mulberry32 } from '#shared/prng.ts';
import type { Role } from '#shared/roles.ts';
import type { App } from '../../server/src/app.ts';
import { sqliteOf } from '../../server/src/testing/app.ts';
import { createUser } from '../../server/src/services/users.ts';

export interface ExtraOptions {
  /** scrypt hash every user gets (hash once; createUser would hash per user otherwise). */
  passwordHash: string;
  annotators?: number;
  validators?: number;
  /** The first this many validators also hold the annotator role and write expressions. */
  validatorsWhoAnnotate?: number;
  speakers?: number;
  /** Recording rows to create (about; failed takes may get a second take). */
  recordings?: number;
  pending?: number;
  secondRound?: number;
  discarded?: number;
  rejected?: number;
  /** Share of accepted expressions that went through a second round. */
  secondRoundShare?: number;
  /** Share of accepted expressions marked gold. */
  goldShare?: number;
  annotationSkips?: number;
  recordingSkips?: number;
  /** The project's age: work is spread over this many days up to `now`. */
  days?: number;
  now?: number;
  seed?: number;
}

export interface BenchUser {
  id: number;
  username: string;
  roles: Role[];
}

export interface ExtraCounts {
  users: number;
  annotatedAccepted: number;
  gold: number;
  pending: number;
  secondRound: number;
  discarded: number;
  rejected: number;
  validations: number;
  recordings: number;
  recordingsByStatus: Record<'verified' | 'submitted' | 'failed', number>;
  ttsRecordings: number;
  clipVotes: number;
  auditRows: number;
  annotationSkips: number;
  recordingSkips: number;
  curationRows: number;
}

export interface ExtraResult {
  counts: ExtraCounts;
  admin: BenchUser;
  annotators: BenchUser[];
  validators: BenchUser[];
  speakers: BenchUser[];
  /** Annotator targets (object local ids) of every sample a validator may be handed: open ones and gold. */
  truth: Record<number, number[]>;
  goldIds: number[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const REJECT_REASONS = ['single_frame', 'no_target_unrelated', 'ambiguous', 'inappropriate', 'broken'] as const;
const VERBS = ['moving left', 'walking forward', 'turning around', 'running away', 'standing still then leaving', 'jumping over', 'circling', 'chasing'];

/** 0.5 s of a 220 Hz tone, 48 kHz 16-bit mono: the one WAV every clip row points at. */
function toneWav(): Uint8Array {
  const rate = 48_000;
  const samples = new Float32Array(rate / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate);
  return encodeWav16(samples, rate);
}

export async function addScaleExtras(app: App, opts: ExtraOptions): Promise<ExtraResult> {
  const rand = mulberry32(opts.seed ?? 33072);
  const now = opts.now ?? Date.now();
  const days = opts.days ?? 180;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  const c = sqliteOf(app); // bulk generation writes through the SQLite file directly

  // ---- people
  const mk = async (username: string, roles: Role[]): Promise<BenchUser> => {
    const u = await createUser(app.db, { username, roles, passwordHash: opts.passwordHash }, null);
    return { id: u.id, username, roles };
  };
  const admin = await mk('admin', ['admin']);
  const nAnn = opts.annotators ?? 50;
  const nVal = opts.validators ?? 50;
  const nBoth = Math.min(nVal, opts.validatorsWhoAnnotate ?? 10);
  const nSpk = opts.speakers ?? 20;
  const annotators: BenchUser[] = [];
  const validators: BenchUser[] = [];
  const speakers: BenchUser[] = [];
  for (let i = 1; i <= nAnn; i++) annotators.push(await mk(`annotator${pad(i)}`, ['annotator']));
  for (let i = 1; i <= nVal; i++) validators.push(await mk(`validator${pad(i)}`, i <= nBoth ? ['annotator', 'validator'] : ['validator']));
  for (let i = 1; i <= nSpk; i++) speakers.push(await mk(`speaker${pad(i)}`, ['speaker']));
  const authors = [...annotators, ...validators.slice(0, nBoth)].map((u) => u.id);
  const validatorIds = validators.map((u) => u.id);

  const insProfile = c.prepare(`insert into speaker_profiles (user_id, nativeness, gender, age_group, microphone, updated_at) values (?, ?, ?, ?, ?, ?)`);
  c.transaction(() => {
    for (const s of speakers) {
      insProfile.run(s.id, pick(['native', 'non_native']), pick(['female', 'male', 'non_binary', null]), pick(['18-29', '30-44', '45-59', '60+']), pick(['headset', 'laptop', 'usb']), now - between(0, days) * DAY);
    }
  })();

  // ---- what buildScaleDb left: objects per video, targets per expression, accepted expressions
  const objectsOf = new Map<number, { id: number; localId: number }[]>();
  const localOf = new Map<number, number>();
  for (const o of c.prepare(`select id, video_id as videoId, local_id as localId from objects order by video_id, local_id`).all() as { id: number; videoId: number; localId: number }[]) {
    let list = objectsOf.get(o.videoId);
    if (!list) objectsOf.set(o.videoId, (list = []));
    list.push({ id: o.id, localId: o.localId });
    localOf.set(o.id, o.localId);
  }
  const targetsOf = new Map<number, number[]>();
  for (const t of c.prepare(`select expression_id as e, object_id as o from expression_targets`).all() as { e: number; o: number }[]) {
    let list = targetsOf.get(t.e);
    if (!list) targetsOf.set(t.e, (list = []));
    list.push(localOf.get(t.o)!);
  }
  for (const l of targetsOf.values()) l.sort((a, b) => a - b);
  const accepted = c.prepare(`select id, video_id as videoId from expressions where status = 'accepted' order by id`).all() as { id: number; videoId: number }[];
  const videoIds = [...objectsOf.keys()];

  // ---- statements
  const insValidation = c.prepare(
    `insert into validations (expression_id, validator_id, round, answer, targets, agrees, reject_reason, duration_ms, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insAudit = c.prepare(`insert into audit_log (at, actor_id, action, entity, entity_id, data) values (?, ?, ?, ?, ?, ?)`);
  const updExpression = c.prepare(`update expressions set author_id = ?, origin = 'annotated', gold = ?, created_at = ?, decided_at = ? where id = ?`);
  const insExpression = c.prepare(
    `insert into expressions (uid, video_id, author_id, text, kind, motion_reasoning, status, reject_reason, origin, created_at, decided_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'annotated', ?, ?)`,
  );
  const insTarget = c.prepare(`insert into expression_targets (expression_id, object_id) values (?, ?)`);

  let auditRows = 0;
  let validationRows = 0;
  const audit = (at: number, actor: number | null, action: string, entity: string, entityId: number, data: unknown) => {
    insAudit.run(at, actor, action, entity, String(entityId), data === undefined ? null : JSON.stringify(data));
    auditRows++;
  };
  /** Two distinct validators, neither the author. */
  const twoValidators = (author: number): [number, number] => {
    let a = pick(validatorIds);
    while (a === author) a = pick(validatorIds);
    let b = pick(validatorIds);
    while (b === author || b === a) b = pick(validatorIds);
    return [a, b];
  };
  /** A target set the annotator did not give (for a disagreeing answer). */
  const otherAnswer = (videoId: number, truth: number[]): { answer: 'targets' | 'no_target'; targets: number[] } => {
    const locals = objectsOf.get(videoId)!.map((o) => o.localId);
    if (truth.length === 0) return { answer: 'targets', targets: [pick(locals)] };
    if (rand() < 0.3) return { answer: 'no_target', targets: [] };
    const alt = locals.filter((l) => !truth.includes(l));
    return { answer: 'targets', targets: alt.length ? [pick(alt)] : truth.slice(0, Math.max(0, truth.length - 1)) };
  };
  const answer = (e: number, v: number, round: number, videoId: number, truth: number[], agree: boolean, at: number) => {
    const a = agree ? { answer: truth.length ? ('targets' as const) : ('no_target' as const), targets: truth } : otherAnswer(videoId, truth);
    insValidation.run(e, v, round, a.answer, a.answer === 'targets' ? JSON.stringify(a.targets) : null, agree ? 1 : 0, null, between(5_000, 45_000), at);
    audit(at, v, 'validation.answer', 'expression', e, { round, kind: a.answer });
    validationRows++;
  };
  const status = (at: number, actor: number, e: number, from: string, to: string) => audit(at, actor, 'expression.status', 'expression', e, { from, to });

  // ---- accepted expressions: authors, times, the validations that accepted them
  const secondShare = opts.secondRoundShare ?? 0.15;
  const goldShare = opts.goldShare ?? 0.01;
  const decidedAt = new Map<number, number>();
  let gold = 0;
  const goldIds: number[] = [];
  c.transaction(() => {
    for (const e of accepted) {
      const author = pick(authors);
      // Over the project's life except its last week (the queue lives there).
      const created = now - 7 * DAY - Math.floor(rand() * (days - 7) * DAY);
      const truth = targetsOf.get(e.id) ?? [];
      const [v1, v2] = twoValidators(author);
      const t1 = created + between(10 * 60_000, 48 * HOUR);
      let decided = t1;
      audit(created, author, 'expression.submit', 'expression', e.id, { videoId: e.videoId, kind: truth.length === 0 ? 'none' : truth.length === 1 ? 'single' : 'multi', acknowledged: [] });
      if (rand() < secondShare) {
        answer(e.id, v1, 1, e.videoId, truth, false, t1);
        status(t1, v1, e.id, 'pending', 'second_round');
        decided = t1 + between(10 * 60_000, 48 * HOUR);
        answer(e.id, v2, 2, e.videoId, truth, true, decided);
        status(decided, v2, e.id, 'second_round', 'accepted');
      } else {
        answer(e.id, v1, 1, e.videoId, truth, true, t1);
        status(t1, v1, e.id, 'pending', 'accepted');
      }
      const isGold = rand() < goldShare;
      if (isGold) {
        gold++;
        goldIds.push(e.id);
      }
      updExpression.run(author, isGold ? 1 : 0, created, decided, e.id);
      decidedAt.set(e.id, decided);
    }
  })();

  // ---- more expressions: decided the other ways, and the open queue
  let seq = 0;
  const newExpression = (statusName: string, created: number, decided: number | null, rejectReason: string | null) => {
    const videoId = pick(videoIds);
    const objs = objectsOf.get(videoId)!;
    const r = rand();
    const n = r < 0.11 ? 0 : r < 0.76 || objs.length < 2 ? 1 : Math.min(objs.length, 2 + Math.floor(rand() * 3));
    const chosen = [...objs].sort(() => rand() - 0.5).slice(0, n).sort((a, b) => a.localId - b.localId);
    const kind = n === 0 ? 'none' : n === 1 ? 'single' : 'multi';
    const author = pick(authors);
    const uid = `scale:${++seq}`;
    const text = `${n > 1 ? 'the group' : 'the object'} ${pick(VERBS)} (scale ${seq})`;
    const id = Number(insExpression.run(uid, videoId, author, text, kind, rand() < 0.2 ? 1 : 0, statusName, rejectReason, created, decided).lastInsertRowid);
    for (const o of chosen) insTarget.run(id, o.id);
    audit(created, author, 'expression.submit', 'expression', id, { videoId, kind, acknowledged: [] });
    return { id, videoId, author, truth: chosen.map((o) => o.localId) };
  };
  const truth: Record<number, number[]> = {};
  for (const id of goldIds) truth[id] = targetsOf.get(id) ?? [];
  const nPending = opts.pending ?? 3000;
  const nSecond = opts.secondRound ?? 1000;
  const nDiscarded = opts.discarded ?? 1200;
  const nRejected = opts.rejected ?? 800;
  c.transaction(() => {
    for (let i = 0; i < nDiscarded; i++) {
      const created = now - 7 * DAY - Math.floor(rand() * (days - 7) * DAY);
      const t1 = created + between(10 * 60_000, 48 * HOUR);
      const t2 = t1 + between(10 * 60_000, 48 * HOUR);
      // Inserted decided, so the row's status matches its replayed answers.
      const e = newExpression('discarded', created, t2, null);
      const [v1, v2] = twoValidators(e.author);
      answer(e.id, v1, 1, e.videoId, e.truth, false, t1);
      status(t1, v1, e.id, 'pending', 'second_round');
      answer(e.id, v2, 2, e.videoId, e.truth, false, t2);
      status(t2, v2, e.id, 'second_round', 'discarded');
    }
    for (let i = 0; i < nRejected; i++) {
      const created = now - 7 * DAY - Math.floor(rand() * (days - 7) * DAY);
      const t1 = created + between(10 * 60_000, 48 * HOUR);
      const viaSecond = rand() < 0.3;
      const t2 = viaSecond ? t1 + between(10 * 60_000, 48 * HOUR) : t1;
      // The reason is drawn first so the row can be inserted with it.
      const reason = pick(REJECT_REASONS);
      const e = newExpression('rejected', created, t2, reason);
      const [v1, v2] = twoValidators(e.author);
      if (viaSecond) {
        answer(e.id, v1, 1, e.videoId, e.truth, false, t1);
        status(t1, v1, e.id, 'pending', 'second_round');
      }
      const v = viaSecond ? v2 : v1;
      const round = viaSecond ? 2 : 1;
      insValidation.run(e.id, v, round, 'reject', null, 0, reason, between(5_000, 45_000), t2);
      audit(t2, v, 'validation.answer', 'expression', e.id, { round, kind: 'reject' });
      validationRows++;
      status(t2, v, e.id, viaSecond ? 'second_round' : 'pending', 'rejected');
    }
    // The queue: submitted over the last three days, second-round ones answered once since.
    for (let i = 0; i < nSecond; i++) {
      const created = now - Math.floor(rand() * 3 * DAY);
      const e = newExpression('second_round', created, null, null);
      const [v1] = twoValidators(e.author);
      const t1 = Math.min(now - 60_000, created + between(60_000, 12 * HOUR));
      answer(e.id, v1, 1, e.videoId, e.truth, false, t1);
      status(t1, v1, e.id, 'pending', 'second_round');
      truth[e.id] = e.truth;
    }
    for (let i = 0; i < nPending; i++) {
      const e = newExpression('pending', now - Math.floor(rand() * 3 * DAY), null, null);
      truth[e.id] = e.truth;
    }
  })();

  // ---- clips
  const wav = app.store.putSync(toneWav()).sha256;
  const insRecording = c.prepare(
    `insert into recordings (uid, expression_id, speaker_id, kind, status, sha256, original_sha256, sample_rate, duration_ms, words_per_minute, provenance, lossless,
       trim_start_ms, trim_end_ms, voiced_ms, asr_status, asr_engine, asr_transcript, asr_wer, failure_cause, created_at, decided_at)
     values (?, ?, ?, ?, ?, ?, ?, 48000, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insVote = c.prepare(`insert into clip_votes (recording_id, verifier_id, vote, reason, created_at) values (?, ?, ?, ?, ?)`);
  const insRecSkip = c.prepare(`insert into recording_skips (user_id, expression_id, at) values (?, ?, ?)`);
  const byStatus = { verified: 0, submitted: 0, failed: 0 };
  let tts = 0;
  let votes = 0;
  let rec = 0;
  const nRecordings = opts.recordings ?? 33_072;
  const take = (expressionId: number, after: number, allowFail: boolean) => {
    const isTts = rand() < 0.2;
    const speaker = isTts ? null : pick(speakers).id;
    const r = rand();
    const st: 'verified' | 'submitted' | 'failed' = !allowFail ? (r < 0.9 ? 'verified' : 'submitted') : r < 0.88 ? 'verified' : r < 0.93 ? 'submitted' : 'failed';
    const cause = st !== 'failed' ? null : isTts || rand() < 0.4 ? 'asr' : rand() < 0.67 ? 'human_mismatch' : 'human_unclear';
    const created = Math.min(now - 60_000, after + between(HOUR, 20 * DAY));
    const decided = st === 'submitted' ? null : Math.min(now - 30_000, created + between(10 * 60_000, 3 * DAY));
    const ms = between(1_500, 4_500);
    const wpm = 100 + rand() * 50;
    const asr = cause === 'asr' ? 'failed' : 'passed';
    const provenance = isTts ? { engine: 'espeak-ng', voice: pick(['en-us', 'en-gb', 'en-us+f3']), wordsPerMinute: wpm } : { codec: 'pcm_s16le', sampleRate: 48000, channels: 1 };
    const id = Number(
      insRecording.run(`scale-rec:${++rec}`, expressionId, speaker, isTts ? 'tts' : 'human', st, wav, isTts ? null : wav, ms, wpm, JSON.stringify(provenance),
        200, ms - 200, ms - 600, asr, 'pocketsphinx', 'the object moving', rand() * 0.4, cause, created, decided).lastInsertRowid,
    );
    audit(created, speaker, isTts ? 'recording.tts' : 'recording.submit', 'recording', id, { expressionId });
    audit(created + 5_000, null, 'recording.asr', 'recording', id, { status: asr });
    if (st !== 'submitted' && cause !== 'asr') {
      const vote = st === 'verified' ? 'match' : cause === 'human_mismatch' ? 'mismatch' : 'unclear';
      const verifier = pick(validatorIds);
      insVote.run(id, verifier, vote, vote === 'match' ? null : 'does not say the text', decided);
      audit(decided!, verifier, 'recording.vote', 'recording', id, { vote });
      votes++;
    }
    if (st !== 'submitted') audit(decided!, null, 'recording.status', 'recording', id, { from: 'submitted', to: st, cause });
    byStatus[st]++;
    if (isTts) tts++;
    return { st, created };
  };
  const order = [...accepted.map((e) => e.id)].sort(() => rand() - 0.5);
  c.transaction(() => {
    for (const e of order) {
      if (rec >= nRecordings) break;
      const first = take(e, decidedAt.get(e)!, true);
      // A failed take is usually recorded again.
      if (first.st === 'failed' && rec < nRecordings && rand() < 0.6) take(e, first.created, false);
    }
    const nRecSkips = opts.recordingSkips ?? 500;
    for (let i = 0; i < nRecSkips; i++) {
      const s = pick(speakers).id;
      const e = pick(order);
      const at = now - Math.floor(rand() * 30 * DAY);
      insRecSkip.run(s, e, at);
      audit(at, s, 'recording.skip', 'expression', e, undefined);
    }
  })();

  // ---- annotation skips, curation scores, motion flags
  const insSkip = c.prepare(`insert into annotation_skips (user_id, video_id, at) values (?, ?, ?)`);
  const insCuration = c.prepare(
    `insert into video_curation (video_id, object_count, moving_count, lookalike_pairs, lookalike_detail, duration_sec, scorer, computed_at) values (?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  const updMotion = c.prepare(`update objects set moving = ?, motion_travel = ?, motion_mean_iou = ?, motion_reach = ? where id = ?`);
  const frameCounts = new Map((c.prepare(`select id, frame_count as n from videos`).all() as { id: number; n: number }[]).map((v) => [v.id, v.n]));
  const nSkips = opts.annotationSkips ?? 3000;
  c.transaction(() => {
    for (let i = 0; i < nSkips; i++) {
      const u = pick(authors);
      const v = pick(videoIds);
      // A tenth of them within the last day, where they still steer the lottery.
      const at = now - Math.floor(rand() * (rand() < 0.1 ? DAY : 60 * DAY));
      insSkip.run(u, v, at);
      audit(at, u, 'annotation.skip', 'video', v, undefined);
    }
    for (const [videoId, objs] of objectsOf) {
      let moving = 0;
      for (const o of objs) {
        const m = rand() < 0.75;
        if (m) moving++;
        updMotion.run(m ? 1 : 0, m ? 0.5 + rand() * 3 : rand() * 0.2, m ? 0.3 + rand() * 0.4 : 0.8 + rand() * 0.2, m ? 0.5 + rand() * 2 : rand() * 0.2, o.id);
      }
      const pairs: { a: number; b: number; distance: number }[] = [];
      for (let i = 0; i < objs.length; i++) for (let j = i + 1; j < objs.length; j++) if (rand() < 0.15) pairs.push({ a: objs[i]!.localId, b: objs[j]!.localId, distance: Math.round(rand() * 300) / 1000 });
      pairs.sort((x, y) => x.distance - y.distance);
      insCuration.run(videoId, objs.length, moving, pairs.length, JSON.stringify(pairs), frameCounts.get(videoId)! / 6, now - days * DAY);
    }
  })();

  const counts: ExtraCounts = {
    users: 1 + nAnn + nVal + nSpk,
    annotatedAccepted: accepted.length,
    gold,
    pending: nPending,
    secondRound: nSecond,
    discarded: nDiscarded,
    rejected: nRejected,
    validations: validationRows,
    recordings: rec,
    recordingsByStatus: byStatus,
    ttsRecordings: tts,
    clipVotes: votes,
    auditRows: auditRows + 1 + nAnn + nVal + nSpk,
    annotationSkips: nSkips,
    recordingSkips: opts.recordingSkips ?? 500,
    curationRows: objectsOf.size,
  };
  c.pragma('wal_checkpoint(TRUNCATE)');
  return { counts, admin, annotators, validators, speakers, truth, goldIds };
}
