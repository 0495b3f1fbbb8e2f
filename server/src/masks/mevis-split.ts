import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import streamObject from 'stream-json/streamers/stream-object.js';
import { z } from 'zod';

/**
 * The parts of a MeViS split the mask converter reads: per video its frames and its objects
 * (obj_id ↔ anno_id, from the expressions and a release's `objects` list), and mask_dict.json one
 * track at a time (a train split's file is ~400 MB: never parsed whole).
 */
const META_FILES = ['meta_expressions.json', 'meta_expressions_v2.json'];
const MAX_META_BYTES = 512 * 1024 * 1024;
/** Names that become folder and file names: one path segment, no traversal, no hidden files. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const SafeName = z.string().regex(SAFE_NAME, 'must be a plain file name (letters, digits, _ . -)');
const AnnoId = z.union([z.string().regex(/^[0-9A-Za-z_-]{1,64}$/), z.number().int().nonnegative()]).transform(String);
const ObjId = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]{1,9}$/)]).transform(Number);

const Meta = z.object({
  videos: z.record(
    z.string(),
    z
      .object({
        frames: z.array(SafeName),
        objects: z.record(z.string().regex(/^[0-9]{1,9}$/), AnnoId).optional(),
        expressions: z.record(z.string(), z.object({ obj_id: z.array(ObjId), anno_id: z.array(AnnoId) }).loose()),
      })
      .loose(),
  ),
});

export class SplitError extends Error {}

export interface SplitVideo {
  name: string;
  frames: string[];
  /** obj_id → anno_id, ascending obj_id. */
  objects: Map<number, string>;
}

export async function readSplitMeta(dir: string): Promise<SplitVideo[]> {
  const file = META_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new SplitError(`${dir} is not a MeViS split: no ${META_FILES.join(' or ')}`);
  if (statSync(file).size > MAX_META_BYTES) throw new SplitError(`${path.basename(file)} is larger than ${MAX_META_BYTES >> 20} MB`);
  let parsed: z.infer<typeof Meta>;
  try {
    const result = Meta.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new SplitError(`${path.basename(file)}: ${issue.path.join('.') || 'top level'}: ${issue.message}`);
    }
    parsed = result.data;
  } catch (e) {
    if (e instanceof SplitError) throw e;
    throw new SplitError(`${path.basename(file)}: malformed JSON (${(e as Error).message})`);
  }
  const owner = new Map<string, string>();
  return Object.entries(parsed.videos).map(([name, v]) => {
    // Checked here rather than as the record's key schema, whose error does not say why.
    if (!SAFE_NAME.test(name)) throw new SplitError(`video name ${JSON.stringify(name.slice(0, 80))} must be a plain file name (letters, digits, _ . -)`);
    const objects = new Map<number, string>();
    const claim = (objId: number, annoId: string) => {
      const had = objects.get(objId);
      if (had !== undefined && had !== annoId) throw new SplitError(`${name}: obj_id ${objId} maps to anno_id ${had} and to ${annoId}`);
      const where = owner.get(annoId);
      if (where !== undefined && where !== `${name}/${objId}`) throw new SplitError(`anno_id ${annoId} belongs to two objects (${where} and ${name}/${objId})`);
      owner.set(annoId, `${name}/${objId}`);
      objects.set(objId, annoId);
    };
    for (const [objId, annoId] of Object.entries(v.objects ?? {})) claim(Number(objId), annoId);
    for (const [expId, e] of Object.entries(v.expressions)) {
      if (e.obj_id.length !== e.anno_id.length) throw new SplitError(`${name}/${expId}: obj_id and anno_id differ in length`);
      e.obj_id.forEach((objId, i) => claim(objId, e.anno_id[i]!));
    }
    return { name, frames: v.frames, objects: new Map([...objects].sort((a, b) => a[0] - b[0])) };
  });
}

/** Each mask_dict.json entry in file order, with the bytes read so far (for progress). */
export async function* maskDictTracks(dir: string): AsyncGenerator<{ annoId: string; track: unknown; bytesRead: number }> {
  const file = path.join(dir, 'mask_dict.json');
  if (!existsSync(file)) throw new SplitError(`${dir} has no mask_dict.json (only train and valid_u splits have masks)`);
  const input = createReadStream(file);
  try {
    for await (const item of input.pipe(streamObject.withParserAsStream()) as AsyncIterable<{ key: string; value: unknown }>) {
      yield { annoId: item.key, track: item.value, bytesRead: input.bytesRead };
    }
  } catch (e) {
    if (e instanceof SplitError) throw e;
    throw new SplitError(`mask_dict.json: malformed JSON (${(e as Error).message})`);
  } finally {
    input.destroy();
  }
}
