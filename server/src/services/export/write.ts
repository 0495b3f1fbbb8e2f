import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { renderCard } from '#shared/export/card.ts';
import { SPLITS, SPLITS_WITH_MASKS, type Split } from '#shared/export/splits.ts';
import { StatsAccumulator, summariseSpeakers } from '#shared/export/stats.ts';
import { motLines, type TrackBox } from '#shared/export/tracking.ts';
import type { ExpressionKind } from '#shared/domain.ts';
import type { Db } from '../../db/client.ts';
import type { FileStore } from '../../store/file-store.ts';
import { ReleaseOutput, type StreamingFile } from './output.ts';
import type { ReleaseRow } from './plan.ts';

export interface ExportProgress {
  phase: 'videos' | 'finishing' | 'done';
  done: number;
  total: number;
}

export interface ExportResult {
  dir: string;
  files: number;
  bytes: number;
  /** sha256 of manifest.json: equal for two exports of the same release. */
  manifestSha256: string;
}

interface VideoRow {
  id: number;
  name: string;
  split: Split;
  width: number;
  height: number;
}

interface ExpressionRow {
  expressionId: number;
  expId: string;
  text: string;
  kind: ExpressionKind;
  motionReasoning: number;
  recordingId: number | null;
}

interface ClipRow {
  id: number;
  sha256: string;
  kind: 'human' | 'tts';
  sampleRate: number;
  durationMs: number;
  wordsPerMinute: number | null;
  provenance: string | null;
  speakerId: number | null;
}

const frameName = (idx: number) => String(idx).padStart(5, '0');
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Statements prepared once per export: a full-scale release runs the per-object one 8,000 times. */
function statements(db: Db) {
  const c = db.$client;
  return {
    videos: c.prepare<[number], VideoRow>(
      `select v.id, v.name, rv.split, v.width, v.height from release_videos rv join videos v on v.id = rv.video_id where rv.release_id = ? order by v.name`,
    ),
    frames: c.prepare<[number], { idx: number; sha256: string; bytes: number }>(`select idx, sha256, bytes from frames where video_id = ? order by idx`),
    objects: c.prepare<[number], { id: number; localId: number }>(`select id, local_id as localId from objects where video_id = ? order by local_id`),
    masks: c.prepare<[number], { frameIdx: number; counts: string; x: number; y: number; w: number; h: number }>(
      `select frame_idx as frameIdx, counts, bbox_x as x, bbox_y as y, bbox_w as w, bbox_h as h from masks where object_id = ? order by frame_idx`,
    ),
    expressions: c.prepare<[number, number], ExpressionRow>(
      `select re.expression_id as expressionId, re.exp_id as expId, e.text, e.kind, e.motion_reasoning as motionReasoning, re.recording_id as recordingId
       from release_expressions re join expressions e on e.id = re.expression_id
       where re.release_id = ? and re.video_id = ? order by cast(re.exp_id as integer)`,
    ),
    targets: c.prepare<[number], { objectId: number }>(`select object_id as objectId from expression_targets where expression_id = ?`),
    clip: c.prepare<[number], ClipRow>(
      `select id, sha256, kind, sample_rate as sampleRate, duration_ms as durationMs, words_per_minute as wordsPerMinute, provenance, speaker_id as speakerId from recordings where id = ?`,
    ),
    speakers: c.prepare<[number], { speakerId: number; nativeness: string | null; gender: string | null; ageGroup: string | null; microphone: string | null }>(
      `select distinct r.speaker_id as speakerId, p.nativeness, p.gender, p.age_group as ageGroup, p.microphone
       from release_expressions re join recordings r on r.id = re.recording_id left join speaker_profiles p on p.user_id = r.speaker_id
       where re.release_id = ? and r.speaker_id is not null order by r.speaker_id`,
    ),
  };
}

/** JSON text of one key-value pair inside an object being streamed. */
const member = (first: boolean, key: string, value: string) => `${first ? '' : ','}${JSON.stringify(key)}:${value}`;

/** Refuses a target folder that exists and holds anything: a release never mixes with other files. */
export function assertEmptyTarget(outDir: string): string {
  const target = path.resolve(outDir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty: a release goes into a new or empty folder`);
  return target;
}

/**
 * Writes a release from what the database recorded for it, into a fresh folder next to `outDir`
 * that is renamed to `outDir` only when complete: a crash never leaves half a release. Everything
 * written is a function of the recorded rows (no clock, no map iteration order), so exporting the
 * same version twice gives the same bytes.
 */
export function writeRelease(db: Db, store: FileStore, release: ReleaseRow, outDir: string, onProgress: (p: ExportProgress) => void = () => {}): ExportResult {
  const job = writeSteps(db, store, release, outDir, onProgress);
  for (let step = job.next(); ; step = job.next()) if (step.done) return step.value;
}

/** The same, yielding to the event loop after every video, for the server (requests keep flowing). */
export async function writeReleaseAsync(db: Db, store: FileStore, release: ReleaseRow, outDir: string, onProgress: (p: ExportProgress) => void = () => {}): Promise<ExportResult> {
  const job = writeSteps(db, store, release, outDir, onProgress);
  for (let step = job.next(); ; step = job.next()) {
    if (step.done) return step.value;
    await new Promise((r) => setImmediate(r));
  }
}

function* writeSteps(db: Db, store: FileStore, release: ReleaseRow, outDir: string, onProgress: (p: ExportProgress) => void): Generator<void, ExportResult> {
  const target = assertEmptyTarget(outDir);
  mkdirSync(path.dirname(target), { recursive: true });
  // Leftovers of an export of the same target that a crash interrupted: never read, only in the way.
  const stale = `${path.basename(target)}.partial-`;
  for (const name of readdirSync(path.dirname(target))) if (name.startsWith(stale)) rmSync(path.join(path.dirname(target), name), { recursive: true, force: true });
  const tmp = `${target}.partial-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp);
  try {
    const result = yield* writeInto(db, store, release, new ReleaseOutput(tmp), onProgress);
    // One syncfs for the whole release (coreutils `sync -f`) instead of an fsync per file: the
    // rename below must not reach the disk before the files do.
    execFileSync('sync', ['-f', tmp]);
    if (existsSync(target)) rmdirSync(target);
    renameSync(tmp, target);
    onProgress({ phase: 'done', done: 1, total: 1 });
    return { ...result, dir: target };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function* writeInto(db: Db, store: FileStore, release: ReleaseRow, out: ReleaseOutput, onProgress: (p: ExportProgress) => void): Generator<void, Omit<ExportResult, 'dir'>> {
  const q = statements(db);
  const stats = new StatsAccumulator();
  const allVideos = q.videos.all(release.id);
  // Anonymous speaker ids: numbered in the order of their user ids, within this release only.
  const speakerRows = q.speakers.all(release.id);
  const anonymous = new Map(speakerRows.map((s, i) => [s.speakerId, `speaker_${String(i + 1).padStart(3, '0')}`]));
  const audioMeta = out.open('audio/audio_meta.json');
  audioMeta.write('{');
  let firstClip = true;
  let done = 0;

  for (const split of SPLITS) {
    const videosHere = allVideos.filter((v) => v.split === split);
    if (videosHere.length === 0) continue;
    const withheld = !SPLITS_WITH_MASKS.includes(split);
    const gtDir = withheld ? `ground_truth/${split}` : split;
    const meta = out.open(`${split}/meta_expressions.json`, `${split}/meta_expressions_v2.json`);
    const gtMeta = withheld ? out.open(`${gtDir}/meta_expressions.json`) : null;
    const maskDict = out.open(`${gtDir}/mask_dict.json`);
    const trackingDir = withheld ? `${gtDir}/tracking` : `tracking/${split}`;
    for (const f of [meta, gtMeta, maskDict]) f?.write(f === maskDict ? '{' : '{"videos":{');
    let firstVideo = true;
    let firstTrack = true;

    for (const v of videosHere) {
      const frameRows = q.frames.all(v.id);
      const frames = frameRows.map((f) => frameName(f.idx));
      for (const f of frameRows) out.copy(`${split}/JPEGImages/${v.name}/${frameName(f.idx)}.jpg`, store.pathOf(f.sha256), f.sha256, f.bytes);

      // Tracks: one per object, anno_id = its database id (unique across the release, stable).
      const boxesByObject = new Map<number, TrackBox[]>();
      let maskCount = 0;
      const objs = q.objects.all(v.id);
      for (const o of objs) {
        const track: (string | null)[] = new Array<string | null>(frames.length).fill(null);
        const boxes: TrackBox[] = [];
        for (const m of q.masks.all(o.id)) {
          track[m.frameIdx] = `{"size":[${v.height},${v.width}],"counts":${JSON.stringify(m.counts)}}`;
          boxes.push({ frameIdx: m.frameIdx, objId: o.localId, x: m.x, y: m.y, w: m.w, h: m.h });
          maskCount++;
        }
        boxesByObject.set(o.id, boxes);
        maskDict.write(member(firstTrack, String(o.id), `[${track.map((t) => t ?? 'null').join(',')}]`));
        firstTrack = false;
      }
      stats.video(split, { frames: frames.length, objects: objs.length, masks: maskCount });
      const localOf = new Map(objs.map((o) => [o.id, o.localId]));

      const pub: string[] = [];
      const full: string[] = [];
      for (const e of q.expressions.all(release.id, v.id)) {
        const targets = q.targets
          .all(e.expressionId)
          .map((t) => ({ objectId: t.objectId, localId: localOf.get(t.objectId)! }))
          .sort((a, b) => a.localId - b.localId);
        const objIds = targets.map((t) => t.localId);
        const annoIds = targets.map((t) => String(t.objectId));
        stats.expression(split, { kind: e.kind, targets: targets.length, motionReasoning: Boolean(e.motionReasoning) });
        let audio: string | null = null;
        if (e.recordingId !== null) {
          const clip = q.clip.get(e.recordingId)!;
          audio = `audio/${split}/${v.name}/${e.expId}.wav`;
          out.copy(audio, store.pathOf(clip.sha256), clip.sha256, store.size(clip.sha256));
          stats.clip(split, { kind: clip.kind, durationMs: clip.durationMs });
          const prov = clip.provenance ? (JSON.parse(clip.provenance) as { engine?: string; voice?: string }) : {};
          const entry = {
            split,
            video: v.name,
            exp_id: e.expId,
            exp: e.text,
            duration_sec: clip.durationMs / 1000,
            sample_rate: clip.sampleRate,
            wpm: clip.wordsPerMinute === null ? null : Math.round(clip.wordsPerMinute * 10) / 10,
            source: clip.kind,
            ...(clip.kind === 'tts' ? { engine: prov.engine ?? null, voice: prov.voice ?? null } : { speaker: anonymous.get(clip.speakerId!) ?? null }),
          };
          audioMeta.write(member(firstClip, audio.slice('audio/'.length), JSON.stringify(entry)));
          firstClip = false;
        }
        const extra = { kind: e.kind, motion_reasoning: Boolean(e.motionReasoning), audio };
        const gtEntry = JSON.stringify({ exp: e.text, obj_id: objIds, anno_id: annoIds, ...extra });
        full.push(member(full.length === 0, e.expId, gtEntry));
        pub.push(member(pub.length === 0, e.expId, withheld ? JSON.stringify({ exp: e.text, motion_reasoning: extra.motion_reasoning, audio }) : gtEntry));
        const boxes = targets.flatMap((t) => boxesByObject.get(t.objectId) ?? []);
        out.text(`${trackingDir}/${v.name}/${e.expId}.txt`, motLines(boxes));
      }
      const framesJson = JSON.stringify(frames);
      // Additive: every object of the video (obj_id → anno_id), also those no expression names, so
      // a release imported back has all of them. Loaders read only "frames" and "expressions".
      const objectsJson = `{${objs.map((o, i) => member(i === 0, String(o.localId), JSON.stringify(String(o.id)))).join('')}}`;
      const pubObjects = withheld ? '' : `,"objects":${objectsJson}`;
      meta.write(member(firstVideo, v.name, `{"frames":${framesJson}${pubObjects},"expressions":{${pub.join('')}}}`));
      gtMeta?.write(member(firstVideo, v.name, `{"frames":${framesJson},"objects":${objectsJson},"expressions":{${full.join('')}}}`));
      firstVideo = false;
      onProgress({ phase: 'videos', done: ++done, total: allVideos.length });
      yield;
    }
    for (const f of [meta, gtMeta]) if (f) closeJson(f, '}}');
    closeJson(maskDict, '}');
  }
  closeJson(audioMeta, '}');

  onProgress({ phase: 'finishing', done: allVideos.length, total: allVideos.length });
  const result = stats.result(summariseSpeakers(speakerRows));
  const p = release.params;
  out.text('stats.json', JSON.stringify({ version: p.version, release_date: isoDay(p.releaseDate), ...result }, null, 2) + '\n');
  out.text('README.md', renderCard({ version: p.version, seed: p.seed, notes: p.notes, requireAudio: p.requireAudio, releaseDate: isoDay(p.releaseDate), proportions: p.proportions }, result));
  const entries = [...out.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  out.text('manifest.json', JSON.stringify({ version: p.version, files: entries }, null, 1) + '\n');
  const manifest = out.entries.at(-1)!;
  return { files: out.entries.length, bytes: out.entries.reduce((s, e) => s + e.bytes, 0), manifestSha256: manifest.sha256 };
}

function closeJson(f: StreamingFile, tail: string): void {
  f.write(tail);
  f.close();
}
