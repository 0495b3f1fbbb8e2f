import type { Command } from 'commander';
import path from 'node:path';
import { masksToPng } from '../masks/to-png.ts';
import { phaseBars } from './progress.ts';

/** `studio masks to-png`: a MeViS split's mask_dict.json as DAVIS-style palette PNGs (and back through `studio import --format davis`). */
export function registerMasks(program: Command): void {
  const masks = program.command('masks').description('convert masks between the MeViS and DAVIS layouts');
  masks
    .command('to-png')
    .description('write a MeViS split (meta_expressions.json + mask_dict.json + JPEGImages/) as DAVIS / YouTube-VOS palette PNGs: Annotations/<video>/<frame>.png (value = obj_id + 1), JPEGImages/ (hard links) and meta.json (obj_id, anno_id per index)')
    .argument('<split-dir>', 'the MeViS split folder (train or valid_u: the splits with masks)')
    .argument('<out>', 'a new or empty folder')
    .action(async (splitDir: string, out: string) => {
      const bars = phaseBars();
      try {
        const s = await masksToPng(path.resolve(splitDir), path.resolve(out), (p) => bars.update(p));
        bars.stop();
        console.log(`wrote ${s.videos} videos, ${s.frames} frames, ${s.objects} objects as palette PNGs in ${path.resolve(out)}`);
        for (const o of s.overlaps) console.log(`warning: ${o.video}: objects overlap on ${o.frames} frames (${o.pixels} pixels); a palette PNG keeps the higher obj_id there`);
        console.log(`read it back with: npm run studio -- import ${path.resolve(out)} --format davis`);
      } finally {
        bars.stop();
      }
    });
}
