/**
 * test:crash's verdict, read from what the server left on disk after its final stop: the SQLite
 * file opened read-only and the content-addressed store walked file by file, compared with the
 * ledger of what the clients sent and were acknowledged.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { kindForTargetCount } from '#shared/domain.ts';
import { agrees, INITIAL, invariantViolations, isFinal, ProtocolError, roundOf, step, type Answer, type AnswerEvent, type SampleFacts, type SampleState, type SampleStatus } from '#shared/protocol/index.ts';
import type { RejectReason } from '#shared/domain.ts';
import type { Grant, Ledger } from './crash-actors.ts';
import { ANSWERS_WITHOUT_LEASE_SQL, LEASE_OVERLAPS_SQL } from '../../server/src/services/leases.ts';

export interface CheckReport {
  lines: string[];
  failures: string[];
  lost: number;
  duplicated: number;
}

interface ExpressionRow {
  id: number;
  uid: string;
  video_id: number;
  author_id: number | null;
  text: string;
  kind: string;
  status: SampleStatus;
  reject_reason: RejectReason | null;
  origin: string;
  gold: number;
  decided_at: number | null;
  created_at: number;
}

interface ValidationRow {
  id: number;
  expression_id: number;
  validator_id: number;
  round: number;
  answer: 'targets' | 'no_target' | 'reject';
  targets: string | null;
  agrees: number;
  reject_reason: RejectReason | null;
  reject_note: string | null;
}

interface RecordingRow {
  id: number;
  uid: string;
  expression_id: number;
  speaker_id: number | null;
  kind: string;
  status: string;
  sha256: string;
  original_sha256: string | null;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX2 = /^[0-9a-f]{2}$/;

/** The stored answer as a protocol event (written here from the column meanings, not borrowed from the server). */
function eventOf(v: ValidationRow): AnswerEvent {
  const answer: Answer =
    v.answer === 'targets'
      ? { kind: 'targets', targets: JSON.parse(v.targets ?? '[]') as number[] }
      : v.answer === 'no_target'
        ? { kind: 'no_target' }
        : { kind: 'reject', reason: v.reject_reason!, note: v.reject_note ?? undefined };
  return { validatorId: v.validator_id, answer };
}

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sorted = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);

function group<T, K>(xs: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Walks store/xx/yy/<sha256>: every file must hash to its name; tmp may hold leftovers only. */
export function checkStore(storeDir: string, failures: string[]): { files: number; bytes: number; tmpLeftovers: number; hashes: Set<string> } {
  const hashes = new Set<string>();
  let files = 0;
  let bytes = 0;
  let tmpLeftovers = 0;
  for (const top of readdirSync(storeDir, { withFileTypes: true })) {
    const topPath = path.join(storeDir, top.name);
    if (top.name === 'tmp' && top.isDirectory()) {
      for (const t of readdirSync(topPath, { withFileTypes: true })) {
        if (!t.isFile()) failures.push(`store/tmp/${t.name} is not a file`);
        // A put's temporary name is <sha256>.<random>; anything else there was not written by the store.
        else if (!/^[0-9a-f]{64}\.[0-9a-f]{12}$/.test(t.name)) failures.push(`store/tmp/${t.name}: not a store temporary file`);
        else tmpLeftovers++;
      }
      continue;
    }
    if (!top.isDirectory() || !HEX2.test(top.name)) {
      failures.push(`store/${top.name}: unexpected entry in the store root`);
      continue;
    }
    for (const mid of readdirSync(topPath, { withFileTypes: true })) {
      const midPath = path.join(topPath, mid.name);
      if (!mid.isDirectory() || !HEX2.test(mid.name)) {
        failures.push(`store/${top.name}/${mid.name}: unexpected entry`);
        continue;
      }
      for (const f of readdirSync(midPath, { withFileTypes: true })) {
        const rel = `store/${top.name}/${mid.name}/${f.name}`;
        if (!f.isFile() || !HEX64.test(f.name) || f.name.slice(0, 2) !== top.name || f.name.slice(2, 4) !== mid.name) {
          failures.push(`${rel}: unexpected entry (not a content address in its place)`);
          continue;
        }
        const data = readFileSync(path.join(midPath, f.name));
        const actual = createHash('sha256').update(data).digest('hex');
        if (actual !== f.name) failures.push(`${rel}: content hashes to ${actual} (${data.length} bytes): a half-written or damaged file`);
        files++;
        bytes += data.length;
        hashes.add(f.name);
      }
    }
  }
  return { files, bytes, tmpLeftovers, hashes };
}

/** Two different validators holding the same protocol sample at once, as seen by the clients. */
export function overlappingGrants(grants: readonly Grant[], gold: ReadonlySet<number>): string[] {
  const out: string[] = [];
  for (const [expressionId, gs] of group(grants, (g) => g.expressionId)) {
    if (gold.has(expressionId)) continue;
    const byFrom = [...gs].sort((a, b) => a.from - b.from);
    for (let i = 0; i < byFrom.length; i++) {
      for (let j = i + 1; j < byFrom.length; j++) {
        const a = byFrom[i]!;
        const b = byFrom[j]!;
        // b was handed out (server side no later than b.from) before a's lease could have ended (a.to).
        if (a.validatorId !== b.validatorId && b.from < a.to) {
          out.push(`sample ${expressionId}: validator ${a.validatorId} held it ${new Date(a.from).toISOString()}–${new Date(a.to).toISOString()}, validator ${b.validatorId} got it at ${new Date(b.from).toISOString()}`);
        }
      }
    }
  }
  return out;
}

export function checkDatabase(dbFile: string, storeDir: string, ledger: Ledger, ours: { annotators: Set<number>; validators: Set<number>; speakers: Set<number> }): CheckReport {
  const lines: string[] = [];
  const failures: string[] = [];
  let lost = 0;
  let duplicated = 0;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    // ── the database file itself
    const integrity = db.pragma('integrity_check') as { integrity_check: string }[];
    const ok = integrity.length === 1 && integrity[0]!.integrity_check === 'ok';
    if (!ok) failures.push(`integrity_check: ${integrity.map((r) => r.integrity_check).join('; ')}`);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length) failures.push(`foreign_key_check: ${fk.length} rows point at missing parents`);
    lines.push(`sqlite: integrity_check ${ok ? 'ok' : 'FAILED'}, foreign_key_check ${fk.length} problems`);

    const exprs = db.prepare('select id, uid, video_id, author_id, text, kind, status, reject_reason, origin, gold, decided_at, created_at from expressions').all() as ExpressionRow[];
    const targetRows = db.prepare('select et.expression_id as e, o.local_id as l from expression_targets et join objects o on o.id = et.object_id').all() as { e: number; l: number }[];
    const vals = db.prepare('select id, expression_id, validator_id, round, answer, targets, agrees, reject_reason, reject_note from validations order by id').all() as ValidationRow[];
    const recs = db.prepare('select id, uid, expression_id, speaker_id, kind, status, sha256, original_sha256 from recordings').all() as RecordingRow[];
    const leaseRows = db.prepare('select expression_id, validator_id, round, expires_at from leases').all() as { expression_id: number; validator_id: number; round: number; expires_at: number }[];
    const auditRows = db
      .prepare(`select action, entity_id as e, actor_id as a, count(*) as n from audit_log where action in ('expression.submit', 'validation.answer', 'validation.gold', 'recording.submit') group by action, entity_id, actor_id`)
      .all() as { action: string; e: string; a: number; n: number }[];

    const targetsOf = new Map<number, number[]>();
    for (const t of targetRows) targetsOf.set(t.e, [...(targetsOf.get(t.e) ?? []), t.l]);
    for (const [k, v] of targetsOf) targetsOf.set(k, sorted(v));
    const exprById = new Map(exprs.map((e) => [e.id, e]));
    const exprsByUid = group(exprs, (e) => e.uid);

    // ── annotators: every acknowledged submission stored exactly once, as sent
    const acked = ledger.submits.filter((o) => o.state === 'acked');
    let missing = 0;
    let dupes = 0;
    for (const op of acked) {
      const rows = exprsByUid.get(op.uid) ?? [];
      if (rows.length === 0) {
        missing++;
        failures.push(`LOST expression uid ${op.uid} (acknowledged as #${op.expressionId} at ${new Date(op.ackedAt!).toISOString()} after ${op.sends} sends)`);
        continue;
      }
      if (rows.length > 1) {
        dupes += rows.length - 1;
        failures.push(`DUPLICATED expression uid ${op.uid}: ${rows.length} rows`);
      }
      const row = rows[0]!;
      const problems: string[] = [];
      if (row.id !== op.expressionId) problems.push(`id ${row.id} but acknowledged as ${op.expressionId}`);
      if (row.author_id !== op.authorId || row.video_id !== op.videoId) problems.push('another author or video');
      if (row.text !== op.text) problems.push(`text ${JSON.stringify(row.text)}`);
      const stored = targetsOf.get(row.id) ?? [];
      if (!sameList(stored, sorted(op.targets))) problems.push(`targets [${stored}] but sent [${op.targets}]`);
      if (problems.length) failures.push(`expression uid ${op.uid} stored differently from what was acknowledged: ${problems.join('; ')}`);
    }
    // The same sentence by the same author on the same video twice while the first still counted: a
    // retry that created a second row. (A discarded or rejected sentence may be written again — the
    // product offers that — so a row made after the earlier one was decided that way is not one.)
    const mine = exprs.filter((e) => e.author_id !== null && ours.annotators.has(e.author_id));
    const stillLive = (earlier: ExpressionRow, at: number) =>
      !((earlier.status === 'discarded' || earlier.status === 'rejected') && earlier.decided_at !== null && earlier.decided_at <= at);
    for (const [key, rows] of group(mine, (e) => `${e.author_id}\n${e.video_id}\n${e.text}`)) {
      const sorted = [...rows].sort((a, b) => a.id - b.id);
      const twins = sorted.filter((r, i) => sorted.slice(0, i).some((e) => stillLive(e, r.created_at)));
      if (twins.length) {
        dupes += twins.length;
        failures.push(`DUPLICATED expression ${JSON.stringify(key.split('\n')[2])} by user ${rows[0]!.author_id}: rows ${rows.map((r) => r.id).join(', ')}`);
      }
    }
    const sentUids = new Set(ledger.submits.map((o) => o.uid));
    const phantoms = mine.filter((e) => !sentUids.has(e.uid));
    if (phantoms.length) failures.push(`${phantoms.length} expressions by our annotators that no client sent (e.g. uid ${phantoms[0]!.uid})`);
    const storedUnacked = ledger.submits.filter((o) => o.state !== 'acked' && exprsByUid.has(o.uid)).length;
    lost += missing;
    duplicated += dupes;
    lines.push(
      `annotate.submit: ${acked.length} acknowledged (${acked.filter((o) => o.alreadySubmitted).length} by a retry that found them stored), ${ledger.submits.length - acked.length} not (${storedUnacked} of those stored anyway); lost ${missing}, duplicated ${dupes}`,
    );

    // ── validators: every acknowledged answer stored exactly once
    const valsByPair = group(vals, (v) => `${v.expression_id}:${v.validator_id}`);
    const ackedAnswers = ledger.answers.filter((o) => o.state === 'acked');
    let vMissing = 0;
    let vDupes = 0;
    for (const op of ackedAnswers) {
      const rows = valsByPair.get(`${op.expressionId}:${op.validatorId}`) ?? [];
      if (rows.length === 0) {
        vMissing++;
        failures.push(`LOST answer of validator ${op.validatorId} to sample ${op.expressionId} (acknowledged at ${new Date(op.ackedAt!).toISOString()} after ${op.sends} sends)`);
        continue;
      }
      const row = rows[0]!;
      const storedTargets = row.targets ? (JSON.parse(row.targets) as number[]) : null;
      const sentTargets = op.answer.kind === 'targets' ? sorted(op.answer.targets) : null;
      if (row.answer !== op.answer.kind || (sentTargets && (!storedTargets || !sameList(sorted(storedTargets), sentTargets)))) {
        failures.push(`answer of validator ${op.validatorId} to sample ${op.expressionId} stored as ${row.answer} ${row.targets ?? ''} but sent ${JSON.stringify(op.answer)}`);
      }
      // A decided outcome the server reported never changes afterwards.
      const e = exprById.get(op.expressionId);
      if (op.outcome && e && e.status !== op.outcome) failures.push(`sample ${op.expressionId}: the answer's feedback said ${op.outcome}, it is ${e.status} now`);
    }
    for (const [pair, rows] of valsByPair) {
      if (rows.length > 1) {
        vDupes += rows.length - 1;
        failures.push(`DUPLICATED answer ${pair}: ${rows.length} rows`);
      }
    }
    for (const [key, rows] of group(
      vals.filter((v) => v.round > 0),
      (v) => `${v.expression_id}:${v.round}`,
    )) {
      if (rows.length > 1) {
        vDupes += rows.length - 1;
        failures.push(`DUPLICATED round: sample:round ${key} answered ${rows.length} times (validators ${rows.map((r) => r.validator_id).join(', ')})`);
      }
    }
    const sentPairs = new Set(ledger.answers.map((o) => `${o.expressionId}:${o.validatorId}`));
    const phantomAnswers = vals.filter((v) => ours.validators.has(v.validator_id) && !sentPairs.has(`${v.expression_id}:${v.validator_id}`));
    if (phantomAnswers.length) failures.push(`${phantomAnswers.length} stored answers that no client sent (e.g. sample ${phantomAnswers[0]!.expression_id} by ${phantomAnswers[0]!.validator_id})`);
    const storedUnackedAnswers = ledger.answers.filter((o) => o.state !== 'acked' && valsByPair.has(`${o.expressionId}:${o.validatorId}`)).length;
    lost += vMissing;
    duplicated += vDupes;
    lines.push(
      `validate.answer: ${ackedAnswers.length} acknowledged (${ackedAnswers.filter((o) => o.alreadyAnswered).length} by a retry that found them stored), ${ledger.answers.length - ackedAnswers.length} not (${storedUnackedAnswers} of those stored anyway); lost ${vMissing}, duplicated ${vDupes}`,
    );

    // ── speakers: every acknowledged upload stored exactly once, with its files in the store
    const recsByUid = group(recs, (r) => r.uid);
    const ackedUploads = ledger.uploads.filter((o) => o.state === 'acked');
    let rMissing = 0;
    let rDupes = 0;
    for (const op of ackedUploads) {
      const rows = recsByUid.get(op.uid) ?? [];
      if (rows.length === 0) {
        rMissing++;
        failures.push(`LOST recording uid ${op.uid} (acknowledged as #${op.recordingId} at ${new Date(op.ackedAt!).toISOString()} after ${op.sends} sends)`);
        continue;
      }
      if (rows.length > 1) {
        rDupes += rows.length - 1;
        failures.push(`DUPLICATED recording uid ${op.uid}: ${rows.length} rows`);
      }
      const row = rows[0]!;
      if (row.id !== op.recordingId || row.speaker_id !== op.speakerId || row.expression_id !== op.expressionId || row.original_sha256 !== op.sentSha256) {
        failures.push(`recording uid ${op.uid} stored differently: id ${row.id}/${op.recordingId}, speaker ${row.speaker_id}/${op.speakerId}, expression ${row.expression_id}/${op.expressionId}, original ${row.original_sha256?.slice(0, 12)}/${op.sentSha256.slice(0, 12)}`);
      }
    }
    const sentRecUids = new Set(ledger.uploads.map((o) => o.uid));
    const phantomRecs = recs.filter((r) => r.speaker_id !== null && ours.speakers.has(r.speaker_id) && !sentRecUids.has(r.uid));
    if (phantomRecs.length) failures.push(`${phantomRecs.length} recordings that no client sent`);
    const storedUnackedUploads = ledger.uploads.filter((o) => o.state !== 'acked' && recsByUid.has(o.uid)).length;
    lost += rMissing;
    duplicated += rDupes;
    lines.push(
      `record.upload: ${ackedUploads.length} acknowledged (${ackedUploads.filter((o) => o.alreadySubmitted).length} by a retry that found them stored), ${ledger.uploads.length - ackedUploads.length} not (${storedUnackedUploads} of those stored anyway); lost ${rMissing}, duplicated ${rDupes}`,
    );

    // ── every expression's status is its stored answers replayed through the protocol machine
    const valsByExpr = group(vals, (v) => v.expression_id);
    let replayed = 0;
    let impossible = 0;
    const statusCount = new Map<string, number>();
    for (const e of exprs) {
      statusCount.set(e.status, (statusCount.get(e.status) ?? 0) + 1);
      const targets = targetsOf.get(e.id) ?? [];
      const problems: string[] = [];
      if (e.kind !== kindForTargetCount(targets.length)) problems.push(`kind ${e.kind} with ${targets.length} targets (a partial write?)`);
      if (e.origin !== 'annotated') {
        if (problems.length) failures.push(`expression ${e.id}: ${problems.join('; ')}`);
        continue;
      }
      replayed++;
      const facts: SampleFacts = { authorId: e.author_id, targets };
      const protocol = (valsByExpr.get(e.id) ?? []).filter((v) => v.round > 0);
      let state: SampleState = INITIAL;
      try {
        for (const v of protocol) {
          if (v.round !== roundOf(state)) problems.push(`answer ${v.id} stored as round ${v.round}, the machine says round ${roundOf(state)}`);
          const ev = eventOf(v);
          if (Boolean(v.agrees) !== agrees(ev.answer, facts)) problems.push(`answer ${v.id}: agrees flag ${v.agrees} is wrong`);
          state = step(state, facts, ev);
        }
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        problems.push(`impossible answer sequence: ${err.message}`);
      }
      if (state.status !== e.status) problems.push(`status ${e.status} but its ${protocol.length} answers say ${state.status}`);
      if (state.rejectReason !== e.reject_reason) problems.push(`reject reason ${e.reject_reason} but answers say ${state.rejectReason}`);
      if (isFinal(e.status) !== (e.decided_at !== null)) problems.push(`decided_at ${e.decided_at} with status ${e.status}`);
      problems.push(...invariantViolations(state, facts));
      if (problems.length) {
        impossible++;
        failures.push(`expression ${e.id} (${e.status}): ${problems.join('; ')}`);
      }
    }
    lines.push(`protocol: replayed ${replayed} annotated expressions through the validation machine, ${impossible} in an impossible or mismatched state; statuses ${[...statusCount].map(([s, n]) => `${s} ${n}`).join(', ')}`);

    // ── the audit log was written in the same transactions as the rows it describes
    const auditCount = new Map(auditRows.map((r) => [`${r.action}|${r.e}|${r.a}`, r.n]));
    let auditBad = 0;
    for (const e of mine) if ((auditCount.get(`expression.submit|${e.id}|${e.author_id}`) ?? 0) !== 1) auditBad++;
    for (const v of vals) if ((auditCount.get(`${v.round > 0 ? 'validation.answer' : 'validation.gold'}|${v.expression_id}|${v.validator_id}`) ?? 0) !== 1) auditBad++;
    for (const r of recs) if (r.kind === 'human' && (auditCount.get(`recording.submit|${r.id}|${r.speaker_id}`) ?? 0) !== 1) auditBad++;
    if (auditBad) failures.push(`${auditBad} submissions without exactly one audit entry (state and log written apart)`);
    lines.push(`audit log: ${auditBad} submissions whose audit entry is missing or doubled`);

    // ── leases
    const liveProtocolLeases = leaseRows.filter((l) => l.round > 0);
    let leaseBad = 0;
    for (const [e, ls] of group(liveProtocolLeases, (l) => l.expression_id)) {
      if (ls.length > 1) {
        leaseBad++;
        failures.push(`sample ${e} leased to ${ls.length} validators at once in the database (${ls.map((l) => l.validator_id).join(', ')})`);
      }
      const ex = exprById.get(e);
      if (ex && isFinal(ex.status)) {
        leaseBad++;
        failures.push(`sample ${e} is ${ex.status} but still leased to validator ${ls[0]!.validator_id}`);
      }
      for (const l of ls) {
        if (valsByPair.has(`${e}:${l.validator_id}`)) {
          leaseBad++;
          failures.push(`sample ${e} leased to validator ${l.validator_id} who already answered it`);
        }
      }
    }
    const gold = new Set(exprs.filter((e) => e.gold).map((e) => e.id));
    const overlaps = overlappingGrants(ledger.grants, gold);
    for (const o of overlaps) failures.push(`held by two validators at once: ${o}`);
    // The server's own record (lease_history) says the same, and every answer ended its lease.
    const historyOverlaps = (db.prepare(LEASE_OVERLAPS_SQL).get() as { n: number }).n;
    const unleased = (db.prepare(ANSWERS_WITHOUT_LEASE_SQL).get() as { n: number }).n;
    if (historyOverlaps) failures.push(`${historyOverlaps} pairs of leases on one sample overlap in the server's lease history`);
    if (unleased) failures.push(`${unleased} answers were stored without a lease of their validator`);
    lines.push(
      `leases: ${ledger.grants.length} handed out to the clients (${ledger.grants.filter((g) => g.abandoned).length} abandoned), ${overlaps.length} held by two validators at once; ${leaseRows.length} left in the database, ${leaseBad} inconsistent; lease history: ${historyOverlaps} overlaps, ${unleased} answers without a lease`,
    );

    // ── the store: no half-written file, every referenced hash present
    const store = checkStore(storeDir, failures);
    const frameHashes = (db.prepare('select distinct sha256 as h from frames').all() as { h: string }[]).map((r) => r.h);
    const refs: { what: string; hash: string }[] = [
      ...frameHashes.map((h) => ({ what: 'frame', hash: h })),
      ...recs.map((r) => ({ what: `recording ${r.id} (sha256)`, hash: r.sha256 })),
      ...recs.filter((r) => r.original_sha256).map((r) => ({ what: `recording ${r.id} (original_sha256)`, hash: r.original_sha256! })),
    ];
    let missingRefs = 0;
    for (const r of refs) {
      if (!store.hashes.has(r.hash)) {
        missingRefs++;
        if (missingRefs <= 10) failures.push(`${r.what} points at ${r.hash}, which is not in the store`);
      }
    }
    if (missingRefs > 10) failures.push(`… ${missingRefs - 10} more references to missing store files`);
    const referenced = new Set(refs.map((r) => r.hash));
    const unreferenced = [...store.hashes].filter((h) => !referenced.has(h)).length;
    lines.push(
      `store: ${store.files} files (${(store.bytes / 1e6).toFixed(1)} MB) each hashing to its name, ${store.tmpLeftovers} leftovers in store/tmp, ${unreferenced} unreferenced; ${refs.length} references (${frameHashes.length} frames, ${recs.length} recordings × 2), ${missingRefs} missing`,
    );
    if (!existsSync(path.join(storeDir, 'tmp')) || !statSync(path.join(storeDir, 'tmp')).isDirectory()) failures.push('store/tmp is missing');
  } finally {
    db.close();
  }
  return { lines, failures, lost, duplicated };
}
