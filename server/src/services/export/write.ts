import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { renderCard, renderGroundTruthCard } from '#shared/export/card.ts';
import { SPLITS, SPLITS_WITH_MASKS, type Split } from '#shared/export/splits.ts';
import { frameMapJson, renumberedFrameName, writtenFrameNames, type WrittenFrames } from '#shared/export/frame-names.ts';
import { StatsAccumulator, summariseSpeakers } from '#shared/export/stats.ts';
import { FigureAccumulator } from '#shared/export/figures/index.ts';
import { motLines, type TrackBox } from '#shared/export/tracking.ts';
import type { ExpressionKind } from '#shared/domain.ts';
import type { Db } from '../../db/client.ts';
import { releaseAgreement } from '../agreement.ts';
import { releaseProbeStats } from '../probes.ts';
import type { FileStore } from '../../store/file-store.ts';
import { sql, type SQL } from 'drizzle-orm';
import { flushTree, fsyncDir } from './flush.ts';
import { readManifest, ReleaseOutput, type PackageSummary, type StreamingFile } from './output.ts';
import type { ReleaseRow } from './plan.ts';
import { writeReleaseDocs } from './release-docs.ts';
import { kOf, writeCommonVoiceTsvs } from './audio-tsv.ts';

export interface ExportProgress {
  phase: 'videos' | 'finishing' | 'done';
  done: number;
  total: number;
}

export interface PackageResult extends PackageSummary {
  dir: string;
}

/** The public release; `groundTruth` is null when the release has no withheld (valid, test) split. */
export interface ExportResult extends PackageResult {
  groundTruth: PackageResult | null;
}

/** Where a release's two packages go (each folder new or empty, neither inside the other). */
export interface ReleaseTargets {
  /** The public release: every split's frames and sentences, train/valid_u masks, audio, stats, card. */
  dir: string;
  /** The withheld splits' full meta_expressions.json, mask_dict.json and tracking boxes, for the benchmark server. */
  groundTruthDir: string;
}

/** Where the ground-truth package goes when only the release's folder was named: beside it. */
export const groundTruthBeside = (dir: string): string => `${path.resolve(dir)}.ground-truth`;

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
  /** 0/1 on SQLite, a boolean on PostgreSQL: read through Boolean(). */
  motionReasoning: number | boolean;
  recordingId: number | null;
  motionStart: number | null;
  motionEnd: number | null;
}

interface MaskRow {
  objectId: number;
  frameIdx: number;
  counts: string;
  x: number;
  y: number;
  w: number;
  h: number;
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

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The writer's reads, in SQL both engines run, outside any transaction (the release's rows are
 * frozen; files are written between reads). Column aliases are quoted: PostgreSQL folds unquoted
 * names to lower case. A few statements per video rather than one per object or expression: at
 * full scale that is 10k round trips instead of 80k, which on PostgreSQL is most of the time.
 */
function reads(db: Db) {
  const rows = async <T>(q: SQL) => (await db.execute(q)).rows as T[];
  return {
    videos: (releaseId: number) =>
      rows<VideoRow>(sql`select v.id, v.name, rv.split, v.width, v.height from release_videos rv join videos v on v.id = rv.video_id where rv.release_id = ${releaseId} order by v.name`),
    frames: (videoId: number) => rows<{ idx: number; name: string; sha256: string; bytes: number }>(sql`select idx, name, sha256, bytes from frames where video_id = ${videoId} order by idx`),
    // Objects an admin excluded (a bystander, a broken mask, an id merged into another) are not
    // part of the dataset: no track in mask_dict, no entry in "objects" (services/objects-admin.ts).
    objects: (videoId: number) =>
      rows<{ id: number; localId: number }>(sql`select id, local_id as "localId" from objects where video_id = ${videoId} and excluded_at is null order by local_id`),
    // Every mask of the video's objects, by object, each object's in frame order.
    masks: (videoId: number) =>
      rows<MaskRow>(
        sql`select m.object_id as "objectId", m.frame_idx as "frameIdx", m.counts, m.bbox_x as x, m.bbox_y as y, m.bbox_w as w, m.bbox_h as h
         from objects o join masks m on m.object_id = o.id where o.video_id = ${videoId} and o.excluded_at is null order by m.object_id, m.frame_idx`,
      ),
    expressions: (releaseId: number, videoId: number) =>
      rows<ExpressionRow>(
        sql`select re.expression_id as "expressionId", re.exp_id as "expId", e.text, e.kind, e.motion_reasoning as "motionReasoning", re.recording_id as "recordingId",
                e.motion_start_frame as "motionStart", e.motion_end_frame as "motionEnd"
         from release_expressions re join expressions e on e.id = re.expression_id
         where re.release_id = ${releaseId} and re.video_id = ${videoId} order by cast(re.exp_id as integer)`,
      ),
    // The targets and the clips of the video's expressions in the release.
    targets: (releaseId: number, videoId: number) =>
      rows<{ expressionId: number; objectId: number }>(
        sql`select t.expression_id as "expressionId", t.object_id as "objectId"
         from release_expressions re join expression_targets t on t.expression_id = re.expression_id
         where re.release_id = ${releaseId} and re.video_id = ${videoId}`,
      ),
    clips: (releaseId: number, videoId: number) =>
      rows<ClipRow>(
        sql`select r.id, r.sha256, r.kind, r.sample_rate as "sampleRate", r.duration_ms as "durationMs", r.words_per_minute as "wordsPerMinute", r.provenance, r.speaker_id as "speakerId"
         from release_expressions re join recordings r on r.id = re.recording_id
         where re.release_id = ${releaseId} and re.video_id = ${videoId}`,
      ),
    speakers: (releaseId: number) =>
      rows<{ speakerId: number; nativeness: string | null; gender: string | null; ageGroup: string | null; microphone: string | null }>(
        sql`select distinct r.speaker_id as "speakerId", p.nativeness, p.gender, p.age_group as "ageGroup", p.microphone
       from release_expressions re join recordings r on r.id = re.recording_id left join speaker_profiles p on p.user_id = r.speaker_id
       where re.release_id = ${releaseId} and r.speaker_id is not null order by r.speaker_id`,
      ),
  };
}

/** Rows by a key, each group in the rows' order. */
function groupBy<T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const group = out.get(key(r));
    if (group) group.push(r);
    else out.set(key(r), [r]);
  }
  return out;
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
 * Whether `dir` holds a complete ground-truth package of `version`: what a run that died between
 * its two renames leaves behind (the release's own folder is renamed last). Replaced, not refused.
 */
export function isGroundTruthOf(dir: string, version: string): boolean {
  const m = readManifest(dir);
  return m?.package === 'ground-truth' && m.version === version;
}

/**
 * Refuses targets an export of `version` may not write into: a release folder that holds anything,
 * a ground-truth folder that holds anything but a complete package of this version, or one folder
 * inside the other. Called before a new release is recorded (the CLI), and again when writing.
 */
export function checkTargets(targets: ReleaseTargets, version: string): { target: string; gtTarget: string; replaceGt: boolean } {
  const target = assertEmptyTarget(targets.dir);
  const gtTarget = path.resolve(targets.groundTruthDir);
  const inside = (a: string, b: string) => a === b || a.startsWith(b + path.sep);
  if (inside(gtTarget, target) || inside(target, gtTarget)) throw new Error(`the ground truth (${gtTarget}) goes into a folder of its own, outside the release (${target})`);
  const replaceGt = isGroundTruthOf(gtTarget, version);
  if (!replaceGt) assertEmptyTarget(gtTarget);
  return { target, gtTarget, replaceGt };
}

/** A fresh temporary folder beside `target`, after deleting what crashed exports of it left there. */
export function partialBeside(target: string): string {
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  // Leftovers of an export of the same target that a crash interrupted: never read, only in the way.
  // (The CLI and the admin page hold the export locks, so no live export of this target owns one.)
  const stale = `${path.basename(target)}.partial-`;
  for (const name of readdirSync(parent)) if (name.startsWith(stale)) rmSync(path.join(parent, name), { recursive: true, force: true });
  const tmp = `${target}.partial-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp);
  return tmp;
}

/** Renames a complete temporary folder to its target (empty, absent, or a package to replace) and syncs the rename. */
export async function putInPlace(tmp: string, target: string, replace: boolean): Promise<void> {
  if (replace) rmSync(target, { recursive: true, force: true });
  else if (existsSync(target)) rmdirSync(target);
  renameSync(tmp, target);
  // The rename itself: a release reported done is still there after a power cut.
  await fsyncDir(path.dirname(target));
}

/**
 * Writes a release from what the database recorded for it as two packages (ReleaseTargets; a
 * plain folder puts the ground truth beside it, groundTruthBeside), each into a fresh folder next
 * to its target that is renamed only when complete: a crash never leaves half a package. The
 * ground truth is renamed first, so a release folder in place always has its ground truth. Everything
 * written is a function of the recorded rows (no clock, no map iteration order), so exporting the
 * same version twice gives the same bytes. It yields to the event loop after every video, and the
 * flush and the folder sync run off the event loop (a child process or libuv's pool), so a server
 * exporting keeps answering.
 */
export async function writeRelease(db: Db, store: FileStore, release: ReleaseRow, to: string | ReleaseTargets, onProgress: (p: ExportProgress) => void = () => {}): Promise<ExportResult> {
  const { target, gtTarget, replaceGt } = checkTargets(typeof to === 'string' ? { dir: to, groundTruthDir: groundTruthBeside(to) } : to, release.params.version);
  const tmp = partialBeside(target);
  const gtTmp = partialBeside(gtTarget);
  try {
    const { publicPart, groundTruth } = await writeInto(db, store, release, new ReleaseOutput(tmp), new ReleaseOutput(gtTmp), onProgress);
    // Everything must be on disk before the renames are: no per-file fsync on the way, one flush here.
    await flushTree(tmp);
    if (groundTruth) {
      await flushTree(gtTmp);
      await putInPlace(gtTmp, gtTarget, replaceGt);
    } else rmSync(gtTmp, { recursive: true, force: true });
    await putInPlace(tmp, target, false);
    onProgress({ phase: 'done', done: 1, total: 1 });
    return { ...publicPart, dir: target, groundTruth: groundTruth && { ...groundTruth, dir: gtTarget } };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(gtTmp, { recursive: true, force: true });
    throw e;
  }
}

async function writeInto(
  db: Db,
  store: FileStore,
  release: ReleaseRow,
  out: ReleaseOutput,
  gtOut: ReleaseOutput,
  onProgress: (p: ExportProgress) => void,
): Promise<{ publicPart: PackageSummary; groundTruth: PackageSummary | null }> {
  const q = reads(db);
  const stats = new StatsAccumulator();
  // The counts behind figures/*.svg, gathered on the way like the statistics (release-docs.ts draws them).
  const figures = new FigureAccumulator();
  const allVideos = await q.videos(release.id);
  // Anonymous speaker ids: numbered in the order of their user ids, within this release only.
  const speakerRows = await q.speakers(release.id);
  const anonymous = new Map(speakerRows.map((s, i) => [s.speakerId, `speaker_${String(i + 1).padStart(3, '0')}`]));
  const audioMeta = out.open('audio/audio_meta.json');
  audioMeta.write('{');
  let firstClip = true;
  let done = 0;

  for (const split of SPLITS) {
    const videosHere = allVideos.filter((v) => v.split === split);
    if (videosHere.length === 0) continue;
    const withheld = !SPLITS_WITH_MASKS.includes(split);
    // A withheld split's targets, masks and tracking boxes go into the ground-truth package only,
    // at the paths train's have in the public one (laid over the release, valid looks like train).
    const truth = withheld ? gtOut : out;
    const meta = out.open(`${split}/meta_expressions.json`, `${split}/meta_expressions_v2.json`);
    const gtMeta = withheld ? gtOut.open(`${split}/meta_expressions.json`, `${split}/meta_expressions_v2.json`) : null;
    const maskDict = truth.open(`${split}/mask_dict.json`);
    const trackingDir = `tracking/${split}`;
    for (const f of [meta, gtMeta, maskDict]) f?.write(f === maskDict ? '{' : '{"videos":{');
    let firstVideo = true;
    let firstTrack = true;

    for (const v of videosHere) {
      const frameRows = await q.frames(v.id);
      // Source frame names where the MeViS tools read them as they are, else 00000… and a frame_map
      // (frame-names.ts); releases made before that choice renumbered every video.
      const written: WrittenFrames = release.params.frameNames === 'source' ? writtenFrameNames(frameRows.map((f) => f.name)) : { names: frameRows.map((f) => renumberedFrameName(f.idx)), frameMap: null };
      const frames = written.names;
      frameRows.forEach((f, i) => out.copy(`${split}/JPEGImages/${v.name}/${frames[i]}.jpg`, store.pathOf(f.sha256), f.sha256, f.bytes));

      // Tracks: one per object, anno_id = its database id (unique across the release, stable).
      const boxesByObject = new Map<number, TrackBox[]>();
      let maskCount = 0;
      const objs = await q.objects(v.id);
      const masksOf = groupBy(await q.masks(v.id), (m) => m.objectId);
      for (const o of objs) {
        const track: (string | null)[] = new Array<string | null>(frames.length).fill(null);
        const boxes: TrackBox[] = [];
        for (const m of masksOf.get(o.id) ?? []) {
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
      const targetsOf = groupBy(await q.targets(release.id, v.id), (t) => t.expressionId);
      const clips = new Map((await q.clips(release.id, v.id)).map((c) => [c.id, c]));
      for (const e of await q.expressions(release.id, v.id)) {
        // A target excluded after this release was frozen (createRelease leaves out expressions
        // naming excluded objects) is left out rather than named without its track.
        const targets = (targetsOf.get(e.expressionId) ?? [])
          .filter((t) => localOf.has(t.objectId))
          .map((t) => ({ objectId: t.objectId, localId: localOf.get(t.objectId)! }))
          .sort((a, b) => a.localId - b.localId);
        const objIds = targets.map((t) => t.localId);
        const annoIds = targets.map((t) => String(t.objectId));
        stats.expression(split, { kind: e.kind, targets: targets.length, motionReasoning: Boolean(e.motionReasoning) });
        figures.expression({ text: e.text, targets: targets.length });
        let audio: string | null = null;
        if (e.recordingId !== null) {
          const clip = clips.get(e.recordingId)!;
          audio = `audio/${split}/${v.name}/${e.expId}.wav`;
          out.copy(audio, store.pathOf(clip.sha256), clip.sha256, store.size(clip.sha256));
          stats.clip(split, { kind: clip.kind, durationMs: clip.durationMs });
          figures.clip({ durationMs: clip.durationMs, wpm: clip.wordsPerMinute });
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
        // Additive, and only where the annotator marked it (older releases rebuild byte for byte):
        // the frames of the motion the sentence describes, with the ground truth only.
        const moment = e.motionStart !== null && e.motionEnd !== null ? { motion_frames: [e.motionStart, e.motionEnd] } : {};
        const extra = { kind: e.kind, motion_reasoning: Boolean(e.motionReasoning), audio, ...moment };
        const gtEntry = JSON.stringify({ exp: e.text, obj_id: objIds, anno_id: annoIds, ...extra });
        full.push(member(full.length === 0, e.expId, gtEntry));
        pub.push(member(pub.length === 0, e.expId, withheld ? JSON.stringify({ exp: e.text, motion_reasoning: extra.motion_reasoning, audio }) : gtEntry));
        const boxes = targets.flatMap((t) => boxesByObject.get(t.objectId) ?? []);
        truth.text(`${trackingDir}/${v.name}/${e.expId}.txt`, motLines(boxes));
      }
      figures.video({ objects: objs.length, expressions: full.length });
      const framesJson = JSON.stringify(frames) + (written.frameMap ? `,"frame_map":${frameMapJson(written.frameMap)}` : '');
      // Additive: every object of the video (obj_id → anno_id), also those no expression names, so
      // a release imported back has all of them. Loaders read only "frames" and "expressions".
      const objectsJson = `{${objs.map((o, i) => member(i === 0, String(o.localId), JSON.stringify(String(o.id)))).join('')}}`;
      const pubObjects = withheld ? '' : `,"objects":${objectsJson}`;
      meta.write(member(firstVideo, v.name, `{"frames":${framesJson}${pubObjects},"expressions":{${pub.join('')}}}`));
      gtMeta?.write(member(firstVideo, v.name, `{"frames":${framesJson},"objects":${objectsJson},"expressions":{${full.join('')}}}`));
      firstVideo = false;
      onProgress({ phase: 'videos', done: ++done, total: allVideos.length });
      await new Promise((r) => setImmediate(r));
    }
    for (const f of [meta, gtMeta]) if (f) closeJson(f, '}}');
    closeJson(maskDict, '}');
  }
  closeJson(audioMeta, '}');
  // Common Voice-style clip lists beside audio_meta.json, speaker answers k-anonymised (issue 18).
  await writeCommonVoiceTsvs(db, out, release);

  onProgress({ phase: 'finishing', done: allVideos.length, total: allVideos.length });
  const result = stats.result(summariseSpeakers(speakerRows, kOf(release.params)));
  const p = release.params;
  // Seeded bootstrap, rounded numbers, answers given before the release was made: the same release rebuilds the same bytes.
  const agreement = await releaseAgreement(db, release.id);
  // The single-frame probe over the release's expressions, answers given before it was made (services/probes.ts).
  const probe = await releaseProbeStats(db, release.id);
  out.text('stats.json', JSON.stringify({ version: p.version, release_date: isoDay(p.releaseDate), ...result, agreement, probe }, null, 2) + '\n');
  // figures/*.svg, CHANGELOG.md, and what the card's datasheet sections say beyond the statistics.
  const datasheet = await writeReleaseDocs(db, out, release, figures.result());
  out.text('README.md', renderCard({ version: p.version, seed: p.seed, notes: p.notes, requireAudio: p.requireAudio, releaseDate: isoDay(p.releaseDate), proportions: p.proportions, includeDemo: p.includeDemo, kAnonymity: kOf(p), splitCounts: p.splitCounts, keepSplits: p.keepSplits, frameNames: p.frameNames, datasheet, probe }, result, agreement));
  const publicPart = out.finish(p.version, 'public');
  const withheldSplits = SPLITS.filter((s) => !SPLITS_WITH_MASKS.includes(s) && allVideos.some((v) => v.split === s));
  if (withheldSplits.length === 0) return { publicPart, groundTruth: null };
  gtOut.text('README.md', renderGroundTruthCard(p.version, withheldSplits));
  return { publicPart, groundTruth: gtOut.finish(p.version, 'ground-truth') };
}

function closeJson(f: StreamingFile, tail: string): void {
  f.write(tail);
  f.close();
}
