/**
 * The simulated people of test:crash and the ledger of what they were told.
 *
 * Annotators, validators and speakers work over HTTP like the browser client does. A submission
 * (annotate.submit, validate.answer, record.upload) is ACKNOWLEDGED once a 2xx with its result was
 * read in full; when a call gets no answer (the server was killed under it) the client waits and
 * sends the very same call again (same uid, same answer) until the server answers, as the real
 * client does after a reconnect. Everything sent and everything acknowledged goes into the ledger,
 * which the database checks compare with what the server kept.
 */
import { createHash, randomUUID } from 'node:crypto';
import { countWords } from '#shared/audio/words.ts';
import type { CrashHttp, Outcome, Session } from './crash-http.ts';
import { draftExpression } from './crash-text.ts';

export type OpState = 'sending' | 'acked' | 'refused' | 'unknown' | 'failed';

interface OpBase {
  state: OpState;
  /** HTTP requests made for this one operation (retries after a lost answer included). */
  sends: number;
  /** Sends that got no answer at all (connection refused/reset, timeout). */
  unanswered: number;
  firstSentAt: number;
  ackedAt?: number;
  refusal?: string;
}

export interface SubmitOp extends OpBase {
  uid: string;
  authorId: number;
  videoId: number;
  targets: number[];
  text: string;
  expressionId?: number;
  alreadySubmitted?: boolean;
}

export type AnswerInput = { kind: 'targets'; targets: number[] } | { kind: 'no_target' } | { kind: 'reject'; reason: 'ambiguous' };

export interface AnswerOp extends OpBase {
  validatorId: number;
  expressionId: number;
  answer: AnswerInput;
  alreadyAnswered?: boolean;
  outcome?: 'accepted' | 'discarded' | 'rejected' | null;
}

export interface UploadOp extends OpBase {
  uid: string;
  speakerId: number;
  expressionId: number;
  /** sha256 of the bytes sent: the server keeps the upload untouched as original_sha256. */
  sentSha256: string;
  recordingId?: number;
  alreadySubmitted?: boolean;
}

/** A sample in a validator's hands, from the response that handed it out until the answer left. */
export interface Grant {
  validatorId: number;
  expressionId: number;
  expiresAt: number;
  from: number;
  to: number;
  abandoned: boolean;
}

export interface Ledger {
  submits: SubmitOp[];
  answers: AnswerOp[];
  uploads: UploadOp[];
  grants: Grant[];
  /** Client-visible surprises: 5xx, a uid said to belong to someone else, malformed replies. */
  anomalies: string[];
  refusals: Map<string, number>;
  /** Validators who reloaded after a kill: got their sample back / it had expired / lost while live. */
  leaseResumes: { same: number; expired: number; lost: string[] };
}

export interface World {
  http: CrashHttp;
  random: () => number;
  /** Set when the load should end: each person finishes the operation in hand, then stops. */
  stopping: boolean;
  /** Bumped at every kill; a validator who sees it change may walk away from the sample held. */
  killEpoch: number;
  /** After this, a call that still gets no answer is given up (and its op stays unknown). */
  deadline: number;
  ledger: Ledger;
  /** The annotator's targets by expression id and by video + text (for answers to unacknowledged ones). */
  truthById: Map<number, number[]>;
  truthByText: Map<string, number[]>;
  /** Speech takes by the word count of the sentence. */
  wavs: Map<number, Uint8Array>;
}

export function newLedger(): Ledger {
  return { submits: [], answers: [], uploads: [], grants: [], anomalies: [], refusals: new Map(), leaseResumes: { same: 0, expired: 0, lost: [] } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (w: World, lo: number, hi: number) => lo + w.random() * (hi - lo);
const textKey = (videoId: number, text: string) => `${videoId}\n${text}`;

function refuse(w: World, op: OpBase, what: string, r: { status: number; message: string }) {
  op.state = r.status >= 500 ? 'failed' : 'refused';
  op.refusal = `${r.status} ${r.message}`;
  const key = `${what} ${r.status} ${r.message.replace(/\d+/g, 'N').slice(0, 90)}`;
  w.ledger.refusals.set(key, (w.ledger.refusals.get(key) ?? 0) + 1);
}

/**
 * Sends until the server answers (or the deadline passes: null). An unanswered send leaves the
 * outcome unknown, so the same request goes again after a short wait, as a reconnecting client does.
 */
async function answered<T>(w: World, call: () => Promise<Outcome<T>>, op?: OpBase): Promise<Exclude<Outcome<T>, { kind: 'network' }> | null> {
  for (;;) {
    if (op) {
      op.sends++;
      if (!op.firstSentAt) op.firstSentAt = Date.now();
    }
    const r = await call();
    if (r.kind !== 'network') return r;
    if (op) op.unanswered++;
    if (Date.now() > w.deadline) return null;
    await sleep(between(w, 80, 250));
  }
}

function findingCodes(details: unknown): string[] {
  const findings = (details as { findings?: { code?: unknown; severity?: unknown }[] } | undefined)?.findings ?? [];
  return findings.filter((f) => f.severity === 'warning' && typeof f.code === 'string').map((f) => f.code as string);
}

// ───────────────────────────── annotators ─────────────────────────────

interface AnnotationView {
  motion: { localId: number; moving: boolean | null }[];
  existingTexts: string[];
}

async function submit(w: World, s: Session, op: SubmitOp, acknowledged: string[]): Promise<void> {
  let ack = [...acknowledged];
  for (let serverErrors = 0; ; ) {
    const r = await answered(
      w,
      () => w.http.mutate<{ expressionId: number; status: string; alreadySubmitted: boolean }>(s, 'annotate.submit', { uid: op.uid, videoId: op.videoId, targets: op.targets, text: op.text, motionReasoning: false, acknowledged: ack }),
      op,
    );
    if (!r) {
      op.state = 'unknown';
      return;
    }
    if (r.kind === 'ok') {
      op.state = 'acked';
      op.ackedAt = Date.now();
      op.expressionId = r.data.expressionId;
      op.alreadySubmitted = r.data.alreadySubmitted;
      w.truthById.set(r.data.expressionId, op.targets);
      return;
    }
    const more = findingCodes(r.details).filter((c) => !ack.includes(c));
    if (r.status === 412 && more.length) {
      ack = [...ack, ...more];
      continue;
    }
    if (r.status >= 500 && ++serverErrors < 3) continue;
    if (r.status === 409 || r.status >= 500) w.ledger.anomalies.push(`annotate.submit uid ${op.uid}: ${r.status} ${r.message}`);
    refuse(w, op, 'annotate.submit', r);
    return;
  }
}

export async function annotator(w: World, s: Session): Promise<void> {
  let lastVideo: number | undefined;
  while (!w.stopping) {
    const nv = await answered(w, () => w.http.mutate<{ videoId: number | null }>(s, 'annotate.nextVideo', lastVideo ? { exclude: lastVideo } : {}));
    if (!nv) return;
    if (nv.kind === 'error' || nv.data.videoId === null) {
      if (nv.kind === 'error') w.ledger.anomalies.push(`annotate.nextVideo: ${nv.status} ${nv.message}`);
      await sleep(500);
      continue;
    }
    const videoId = nv.data.videoId;
    lastVideo = videoId;
    const view = await answered(w, () => w.http.query<AnnotationView>(s, 'annotate.video', { videoId }));
    if (!view) return;
    if (view.kind === 'error') {
      w.ledger.anomalies.push(`annotate.video ${videoId}: ${view.status} ${view.message}`);
      continue;
    }
    const texts = [...view.data.existingTexts];
    const moving = view.data.motion.filter((m) => m.moving !== false).map((m) => m.localId);
    const all = view.data.motion.map((m) => m.localId);
    const pool = moving.length >= 2 ? moving : all;
    // A few sentences per video, as people write several while the video is open.
    for (let k = 0, n = 1 + Math.floor(w.random() * 3); k < n && !w.stopping; k++) {
      const r = w.random();
      const shuffled = [...pool].sort(() => w.random() - 0.5);
      const targets = r < 0.1 || pool.length === 0 ? [] : r < 0.75 || pool.length < 2 ? shuffled.slice(0, 1) : shuffled.slice(0, 2).sort((a, b) => a - b);
      const draft = draftExpression(w.random, targets, view.data.motion, texts);
      if (!draft) continue;
      const op: SubmitOp = { uid: randomUUID(), authorId: s.userId, videoId, targets, text: draft.text, state: 'sending', sends: 0, unanswered: 0, firstSentAt: 0 };
      w.ledger.submits.push(op);
      w.truthByText.set(textKey(videoId, draft.text), targets);
      await submit(w, s, op, draft.acknowledged);
      texts.push(draft.text);
      await sleep(between(w, 150, 600));
    }
  }
}

// ───────────────────────────── validators ─────────────────────────────

export interface SampleView {
  expressionId: number;
  videoId: number;
  text: string;
  expiresAt: number;
}

function chooseAnswer(w: World, truth: number[] | undefined): AnswerInput {
  const r = w.random();
  if (r < 0.05) return { kind: 'reject', reason: 'ambiguous' };
  const t = truth ?? [];
  if (r < 0.72) return t.length ? { kind: 'targets', targets: t } : { kind: 'no_target' };
  // A disagreement: another object, or "no target" for a sentence that has one.
  if (!t.length) return { kind: 'targets', targets: [1] };
  return w.random() < 0.5 ? { kind: 'no_target' } : { kind: 'targets', targets: [(t[0]! % 6) + 1] };
}

/** Records a sample handed out (the same lease seen again is the same grant). */
function grantOf(w: World, validatorId: number, sample: SampleView): Grant {
  let grant = w.ledger.grants.find((g) => g.validatorId === validatorId && g.expressionId === sample.expressionId && g.expiresAt === sample.expiresAt);
  if (!grant) {
    grant = { validatorId, expressionId: sample.expressionId, expiresAt: sample.expiresAt, from: Date.now(), to: sample.expiresAt, abandoned: false };
    w.ledger.grants.push(grant);
  }
  return grant;
}

/** validate.next until the server answers; null when the deadline passed or the server refused. */
export async function nextSample(w: World, s: Session): Promise<{ sample: SampleView | null } | null> {
  const n = await answered(w, () => w.http.mutate<SampleView | null>(s, 'validate.next'));
  if (!n) return null;
  if (n.kind === 'error') {
    w.ledger.anomalies.push(`validate.next for ${s.username}: ${n.status} ${n.message}`);
    return null;
  }
  if (n.data) grantOf(w, s.userId, n.data);
  return { sample: n.data };
}

/** Sends one answer until the server answers it (same answer on every retry). */
export async function sendAnswer(w: World, s: Session, sample: SampleView, answer: AnswerInput = chooseAnswer(w, w.truthById.get(sample.expressionId) ?? w.truthByText.get(textKey(sample.videoId, sample.text)))): Promise<AnswerOp> {
  const op: AnswerOp = { validatorId: s.userId, expressionId: sample.expressionId, answer, state: 'sending', sends: 0, unanswered: 0, firstSentAt: Date.now() };
  w.ledger.answers.push(op);
  const grant = grantOf(w, s.userId, sample);
  // The lease ends at the answer's commit, which is no earlier than its first send.
  grant.to = Math.min(grant.to, op.firstSentAt);
  for (let serverErrors = 0; ; ) {
    const r = await answered(
      w,
      () => w.http.mutate<{ alreadyAnswered: boolean; outcome: 'accepted' | 'discarded' | 'rejected' | null }>(s, 'validate.answer', { expressionId: sample.expressionId, answer }),
      op,
    );
    if (!r) {
      op.state = 'unknown';
      return op;
    }
    if (r.kind === 'ok') {
      op.state = 'acked';
      op.ackedAt = Date.now();
      op.alreadyAnswered = r.data.alreadyAnswered;
      op.outcome = r.data.outcome;
      return op;
    }
    if (r.status >= 500 && ++serverErrors < 3) continue;
    if (r.status >= 500) w.ledger.anomalies.push(`validate.answer ${sample.expressionId} by ${s.userId}: ${r.status} ${r.message}`);
    refuse(w, op, 'validate.answer', r);
    return op;
  }
}

/**
 * A validator: takes a sample, looks at it, answers. When the server went down meanwhile they
 * either keep the page and send the answer once it is back, reload the page (validate.next must
 * give them the same sample back while its lease runs), or walk away (the lease must run out and
 * the sample return to the queue). At the end of the run some walk away from the sample in hand.
 */
export async function validator(w: World, s: Session): Promise<void> {
  while (!w.stopping) {
    const n = await nextSample(w, s);
    if (!n) {
      if (Date.now() > w.deadline) return;
      await sleep(300);
      continue;
    }
    let sample = n.sample;
    if (!sample) {
      await sleep(between(w, 250, 600));
      continue;
    }
    const epoch = w.killEpoch;
    await sleep(between(w, 150, 700));
    const crashed = w.killEpoch !== epoch;
    const r = w.random();
    if (w.random() < 0.03 || (crashed && r < 0.3) || (w.stopping && r < 0.5)) {
      grantOf(w, s.userId, sample).abandoned = true;
      if (w.stopping) return;
      await sleep(Math.max(0, sample.expiresAt - Date.now()) + 300);
      continue;
    }
    if (crashed && r < 0.65) {
      // A reload: the held sample must come back, unchanged, while its lease runs.
      const again = await nextSample(w, s);
      if (!again) continue;
      const same = again.sample?.expressionId === sample.expressionId && again.sample.expiresAt === sample.expiresAt;
      if (same) w.ledger.leaseResumes.same++;
      else if (Date.now() < sample.expiresAt - 50) {
        w.ledger.leaseResumes.lost.push(`validator ${s.userId} held sample ${sample.expressionId} until ${new Date(sample.expiresAt).toISOString()} but after a restart got ${again.sample ? `sample ${again.sample.expressionId}` : 'nothing'}`);
      } else w.ledger.leaseResumes.expired++;
      if (!same) {
        grantOf(w, s.userId, sample).to = Math.min(grantOf(w, s.userId, sample).to, Date.now());
        if (!again.sample) continue;
        sample = again.sample;
      }
    }
    await sendAnswer(w, s, sample);
    await sleep(between(w, 50, 250));
  }
}

// ───────────────────────────── speakers ─────────────────────────────

interface ToRecord {
  expressionId: number;
  text: string;
}

/**
 * The take for a sentence of this many words, made unique: a few samples' lowest bits are flipped
 * (inaudible), so every upload writes new files into the store instead of finding them there.
 */
function takeFor(w: World, text: string): Uint8Array {
  const n = countWords(text);
  let best = [...w.wavs.keys()][0]!;
  for (const k of w.wavs.keys()) if (Math.abs(k - n) < Math.abs(best - n)) best = k;
  const wav = new Uint8Array(w.wavs.get(best)!);
  const view = new DataView(wav.buffer);
  // RIFF chunks after the 12-byte header: find "data".
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = String.fromCharCode(...wav.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (id === 'data') {
      const start = at + 8;
      const samples = Math.floor(Math.min(size, wav.length - start) / 2);
      for (let i = 0; i < 64; i++) wav[start + 2 * Math.floor(w.random() * samples)] ^= 1;
      break;
    }
    at += 8 + size + (size & 1);
  }
  return wav;
}

export async function speaker(w: World, s: Session): Promise<void> {
  while (!w.stopping) {
    const n = await answered(w, () => w.http.mutate<ToRecord | null>(s, 'record.next'));
    if (!n) return;
    if (n.kind === 'error') {
      w.ledger.anomalies.push(`record.next: ${n.status} ${n.message}`);
      await sleep(300);
      continue;
    }
    if (!n.data) {
      await sleep(between(w, 300, 700));
      continue;
    }
    const { expressionId, text } = n.data;
    const wav = takeFor(w, text);
    const op: UploadOp = {
      uid: randomUUID(),
      speakerId: s.userId,
      expressionId,
      sentSha256: createHash('sha256').update(wav).digest('hex'),
      state: 'sending',
      sends: 0,
      unanswered: 0,
      firstSentAt: 0,
    };
    w.ledger.uploads.push(op);
    let ack: string[] = [];
    for (let serverErrors = 0; ; ) {
      const r = await answered(
        w,
        () => {
          const form = new FormData();
          form.set('uid', op.uid);
          form.set('expressionId', String(expressionId));
          form.set('acknowledged', JSON.stringify(ack));
          form.set('file', new Blob([wav as Uint8Array<ArrayBuffer>], { type: 'audio/wav' }), 'take.wav');
          return w.http.upload<{ recordingId: number; alreadySubmitted: boolean }>(s, 'record.upload', form);
        },
        op,
      );
      if (!r) {
        op.state = 'unknown';
        break;
      }
      if (r.kind === 'ok') {
        op.state = 'acked';
        op.ackedAt = Date.now();
        op.recordingId = r.data.recordingId;
        op.alreadySubmitted = r.data.alreadySubmitted;
        break;
      }
      const more = findingCodes(r.details).filter((c) => !ack.includes(c));
      if (r.status === 412 && more.length) {
        ack = [...ack, ...more];
        continue;
      }
      if (r.status >= 500 && ++serverErrors < 3) continue;
      if (r.status === 409 || r.status >= 500) w.ledger.anomalies.push(`record.upload uid ${op.uid}: ${r.status} ${r.message}`);
      refuse(w, op, 'record.upload', r);
      break;
    }
    await sleep(between(w, 200, 600));
  }
}
