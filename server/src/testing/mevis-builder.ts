import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeLabels } from '#shared/rle/index.ts';
import { writeDavisVideo } from './davis-builder.ts';

export interface MevisSplit {
  meta: { videos: Record<string, { frames: string[]; expressions: Record<string, { exp: string; obj_id: unknown[]; anno_id: unknown[] }> }> };
  maskDict: Record<string, unknown[]>;
}

/**
 * Writes a small MeViS-layout split (JPEGImages + meta_expressions.json + mask_dict.json) built
 * from generated DAVIS videos, returning the JSON so tests can break it and write it again.
 */
export async function writeMevisSplit(dir: string, videos = ['v-one', 'v-two']): Promise<MevisSplit> {
  const scratch = path.join(dir, '.davis');
  const split: MevisSplit = { meta: { videos: {} }, maskDict: {} };
  let anno = 0;
  for (const name of videos) {
    const v = await writeDavisVideo(scratch, name, { frames: 4, objects: 2 });
    mkdirSync(path.join(dir, 'JPEGImages'), { recursive: true });
    cpSync(path.join(scratch, 'JPEGImages', name), path.join(dir, 'JPEGImages', name), { recursive: true });
    const frames = Array.from({ length: v.frames }, (_, i) => String(i).padStart(5, '0'));
    const tracks = new Map<number, (unknown | null)[]>();
    v.labels.forEach((label, f) => {
      for (const [id, rle] of encodeLabels(label, v.height, v.width)) {
        if (!tracks.has(id)) tracks.set(id, new Array(v.frames).fill(null));
        tracks.get(id)![f] = rle;
      }
    });
    const annoOf = new Map<number, string>();
    for (const [id, track] of [...tracks].sort((a, b) => a[0] - b[0])) {
      annoOf.set(id, String(anno));
      split.maskDict[String(anno++)] = track;
    }
    split.meta.videos[name] = {
      frames,
      expressions: {
        '0': { exp: 'the square moving right slowly', obj_id: [1], anno_id: [annoOf.get(1)] },
        '1': { exp: 'the two squares moving right', obj_id: [2, 1], anno_id: [annoOf.get(2), annoOf.get(1)] },
        '2': { exp: 'the circle flying away', obj_id: [], anno_id: [] },
      },
    };
  }
  saveMevisSplit(dir, split);
  return split;
}

export function saveMevisSplit(dir: string, split: MevisSplit): void {
  writeFileSync(path.join(dir, 'meta_expressions.json'), JSON.stringify(split.meta));
  writeFileSync(path.join(dir, 'mask_dict.json'), JSON.stringify(split.maskDict));
}
