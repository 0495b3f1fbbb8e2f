import { meadow, pond, road, type Scenery } from './backgrounds.ts';
import { car, duck, sheep, type FigureKind, type Look } from './figures.ts';
import { hash32, Rng } from './prng.ts';
import { blit, shadow, type Canvas, type Sprite } from './raster.ts';

/**
 * Plans a demo video: which look-alike objects there are, how each moves, and where every one of
 * them is on every frame (integer pixels, so a mask only ever translates or changes pose).
 *
 * The layout guarantees what the motion expressions and the tests rely on: the static, bounce
 * and pair objects are never covered by another object nor cut by the frame edge, so their
 * masks show their motion and nothing else. The other walkers may cross and hide each other.
 */

export type Motion = 'left' | 'right' | 'bounce' | 'pair' | 'static' | 'exit';

export interface Theme {
  name: string;
  kind: FigureKind;
  scenery: Scenery;
  /** Horizon row as a fraction of the height. */
  horizon: number;
}

export const THEMES: readonly Theme[] = [
  { name: 'demo-meadow', kind: sheep, scenery: meadow, horizon: 0.38 },
  { name: 'demo-road', kind: car, scenery: road, horizon: 0.36 },
  { name: 'demo-pond', kind: duck, scenery: pond, horizon: 0.34 },
];

export interface SceneObject {
  id: number;
  motion: Motion;
  pairWith?: number;
  look: Look;
  dir: 1 | -1;
  /** Body length in pixels (perspective: nearer rows get larger units). */
  unit: number;
  /** Drawn whole even where the ground would hide part of it (a hopping duck). */
  airborne: boolean;
  /** Row of the ground (or water) line the object stands on. */
  baseline: number;
  /** Anchor position and gait pose on every frame. */
  x: Int32Array;
  y: Int32Array;
  pose: Uint8Array;
}

export interface ScenePlan {
  name: string;
  theme: Theme;
  width: number;
  height: number;
  frames: number;
  horizon: number;
  /** Scenery seed for this video. */
  seed: number;
  /** In drawing order, farthest first. */
  objects: SceneObject[];
  sprites: WeakMap<SceneObject, Map<number, Sprite>>;
}

export interface SceneSize {
  frames?: number;
  width: number;
  height: number;
}

interface Extent {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function spriteOf(plan: ScenePlan, o: SceneObject, pose: number): Sprite {
  let cache = plan.sprites.get(o);
  if (!cache) plan.sprites.set(o, (cache = new Map()));
  let s = cache.get(pose);
  if (!s) cache.set(pose, (s = plan.theme.kind.draw(o.unit, o.look, o.dir, pose, o.airborne)));
  return s;
}

/** Bounding box relative to the anchor (right/bottom exclusive) over the given poses. */
function extentOf(plan: ScenePlan, o: SceneObject, poses: readonly number[]): Extent {
  const e = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
  for (const pose of poses) {
    const s = spriteOf(plan, o, pose);
    e.left = Math.min(e.left, s.left);
    e.right = Math.max(e.right, s.left + s.width);
    e.top = Math.min(e.top, s.top);
    e.bottom = Math.max(e.bottom, s.top + s.height);
  }
  return e;
}

function videoName(index: number): string {
  const theme = THEMES[index % THEMES.length]!;
  const round = Math.floor(index / THEMES.length);
  return round === 0 ? theme.name : `${theme.name}-${round + 1}`;
}

export function planScene(index: number, seed: number, size: SceneSize): ScenePlan {
  const theme = THEMES[index % THEMES.length]!;
  const rng = new Rng(hash32(seed, index));
  const drawnFrames = rng.int(40, 60);
  const F = size.frames ?? drawnFrames;
  const { width: W, height: H } = size;
  const kind = theme.kind;
  const hz = Math.round(theme.horizon * H);
  const margin = Math.round(0.02 * W);
  const unitAt = (row: number, jitter: number) => kind.size * H * (0.45 + (0.6 * (row - hz)) / (H - hz)) * jitter;

  const plan: ScenePlan = { name: videoName(index), theme, width: W, height: H, frames: F, horizon: hz, seed: rng.seed(), objects: [], sprites: new WeakMap() };
  const make = (motion: Motion, baseline: number, dir: 1 | -1, look: Look, unit: number, airborne = false): SceneObject => ({
    id: 0,
    motion,
    look,
    dir,
    unit,
    airborne,
    baseline,
    x: new Int32Array(F),
    y: new Int32Array(F).fill(baseline),
    pose: new Uint8Array(F),
  });
  const gait = (o: SceneObject) => {
    const step = kind.stride * o.unit;
    for (let t = 0; t < F; t++) o.pose[t] = Math.floor(Math.abs(o.x[t]! - o.x[0]!) / step) % kind.poses;
  };

  // Walkers (left/right/exit) keep to far lanes; the protected objects are nearer, hence drawn later.
  const k = rng.int(1, 3);
  const either = () => rng.pick<Motion>(['left', 'right']);
  const sideways: Motion[] = k === 1 ? [either()] : k === 2 ? ['left', 'right'] : ['left', 'right', either()];
  const walkerMotions = rng.shuffle<Motion>(['exit', ...sideways]);
  const walkers = walkerMotions.map((motion, i) => {
    const row = Math.round(H * (0.5 + (0.14 * (i + rng.range(0.2, 0.8))) / walkerMotions.length));
    const dir: 1 | -1 = motion === 'left' ? -1 : motion === 'right' ? 1 : rng.sign();
    return make(motion, row, dir, kind.look(rng), unitAt(row, rng.range(0.93, 1.07)));
  });
  const bounceRow = Math.round(0.72 * H);
  const bounce = make('bounce', bounceRow, rng.sign(), kind.look(rng), unitAt(bounceRow, rng.range(0.93, 1.07)), true);
  const pairRow = Math.round(0.82 * H);
  const pairDir = rng.sign();
  const pairUnit = unitAt(pairRow, rng.range(0.93, 1.07));
  const lead = make('pair', pairRow, pairDir, kind.look(rng), pairUnit);
  // Same silhouette (shape seed and size) so both masks translate identically; colours differ.
  const follow = make('pair', pairRow, pairDir, { ...kind.look(rng), shapeSeed: lead.look.shapeSeed }, pairUnit);
  const staticRow = Math.round(0.955 * H);
  const still = make('static', staticRow, rng.sign(), kind.look(rng), unitAt(staticRow, rng.range(0.93, 1.07)));

  // The static and bouncing objects share a column at one side; the pair walks beside it.
  const side = rng.sign();
  const standing = [0];
  const walking = Array.from({ length: kind.poses }, (_, i) => i);
  const eStill = extentOf(plan, still, standing);
  const eBounce = extentOf(plan, bounce, standing);
  const nudge = () => rng.int(0, Math.round(0.03 * W));
  const atSide = (e: Extent) => (side < 0 ? margin - e.left + nudge() : W - margin - e.right - nudge());
  still.x.fill(atSide(eStill));
  bounce.x.fill(atSide(eBounce));
  const columnL = Math.min(still.x[0]! + eStill.left, bounce.x[0]! + eBounce.left);
  const columnR = Math.max(still.x[0]! + eStill.right, bounce.x[0]! + eBounce.right);

  const period = rng.int(10, 16);
  const phase = rng.range(0, period);
  const hop = Math.round(Math.min(0.17 * H * rng.range(0.8, 1), bounceRow + eBounce.top - 2));
  for (let t = 0; t < F; t++) bounce.y[t] = bounceRow - Math.round(hop * Math.abs(Math.sin((Math.PI * (t + phase)) / period)));

  const ePair = extentOf(plan, lead, walking);
  const spacing = ePair.right - ePair.left + Math.round(rng.range(0.05, 0.25) * pairUnit);
  const groupL = pairDir > 0 ? ePair.left - spacing : ePair.left;
  const groupR = pairDir > 0 ? ePair.right : ePair.right + spacing;
  const regionL = side < 0 ? columnR + margin : margin;
  const regionR = side < 0 ? W - margin : columnL - margin;
  const room = regionR - regionL - (groupR - groupL);
  if (room < 0.1 * W) throw new Error(`demo layout does not fit ${W}×${H}: the pair has ${room}px to walk`);
  const sweep = Math.round(rng.range(0.45, 0.9) * room);
  const lo = regionL - groupL + (pairDir < 0 ? sweep : 0);
  const hi = regionR - groupR - (pairDir > 0 ? sweep : 0);
  const x0 = rng.int(lo, hi);
  for (let t = 0; t < F; t++) {
    lead.x[t] = x0 + pairDir * Math.round((sweep * t) / (F - 1));
    follow.x[t] = lead.x[t]! - pairDir * spacing;
  }
  gait(lead);
  follow.pose.set(lead.pose);

  // Exit: fully visible on frame 0, fully outside from 70% of the video on.
  const exitBy = Math.max(1, Math.round(0.7 * (F - 1)));
  for (const o of walkers) {
    const e = extentOf(plan, o, walking);
    const min = margin - e.left;
    const max = W - margin - e.right;
    let start: number;
    let distance: number;
    if (o.motion === 'exit') {
      const gap = Math.round(rng.range(0.1, 0.3) * W);
      start = o.dir > 0 ? Math.max(min, max - gap) : Math.min(max, min + gap);
      distance = o.dir > 0 ? W - e.left - start + 1 : start + e.right + 1;
      for (let t = 0; t < F; t++) o.x[t] = start + o.dir * Math.round((distance * t) / exitBy);
    } else {
      distance = Math.min(0.8 * (max - min), rng.range(0.18, 0.38) * W);
      start = o.dir > 0 ? Math.round(rng.range(min, max - distance)) : Math.round(rng.range(min + distance, max));
      for (let t = 0; t < F; t++) o.x[t] = start + o.dir * Math.round((distance * t) / (F - 1));
    }
    gait(o);
  }

  walkers.sort((a, b) => a.baseline - b.baseline);
  plan.objects = [...walkers, bounce, follow, lead, still];
  const ids = rng.shuffle(plan.objects.map((_, i) => i + 1));
  plan.objects.forEach((o, i) => (o.id = ids[i]!));
  lead.pairWith = follow.id;
  follow.pairWith = lead.id;
  checkLayout(plan, exitBy);
  return plan;
}

function boxAt(plan: ScenePlan, o: SceneObject, t: number): Extent {
  const s = spriteOf(plan, o, o.pose[t]!);
  return { left: o.x[t]! + s.left, right: o.x[t]! + s.left + s.width, top: o.y[t]! + s.top, bottom: o.y[t]! + s.top + s.height };
}

function sweptBox(plan: ScenePlan, o: SceneObject): Extent {
  const e = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
  for (let t = 0; t < plan.frames; t++) {
    const b = boxAt(plan, o, t);
    e.left = Math.min(e.left, b.left);
    e.right = Math.max(e.right, b.right);
    e.top = Math.min(e.top, b.top);
    e.bottom = Math.max(e.bottom, b.bottom);
  }
  return e;
}

/** The promises in the header, checked rather than trusted: a frame size they do not fit is refused. */
function checkLayout(plan: ScenePlan, exitBy: number): void {
  const fail = (why: string) => {
    throw new Error(`demo layout does not fit ${plan.width}×${plan.height}: ${why}`);
  };
  const inside = (b: Extent) => b.left >= 0 && b.top >= 0 && b.right <= plan.width && b.bottom <= plan.height;
  const disjoint = (a: Extent, b: Extent) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
  for (const o of plan.objects) {
    for (let t = 0; t < plan.frames; t++) {
      const b = boxAt(plan, o, t);
      if (o.motion === 'exit') {
        if (t === 0 && !inside(b)) fail('the leaving object is not whole on frame 0');
        if (t >= exitBy && b.left < plan.width && b.right > 0) fail('the leaving object does not leave');
      } else if (!inside(b)) fail(`a ${o.motion} object leaves the frame`);
    }
  }
  const guarded = plan.objects.filter((o) => o.motion === 'static' || o.motion === 'pair' || o.motion === 'bounce');
  const boxes = guarded.map((o) => sweptBox(plan, o));
  for (let i = 0; i < guarded.length; i++) {
    for (let j = i + 1; j < guarded.length; j++) {
      if (guarded[i]!.motion === 'pair' && guarded[j]!.motion === 'pair') continue;
      if (!disjoint(boxes[i]!, boxes[j]!)) fail(`the ${guarded[i]!.motion} and ${guarded[j]!.motion} objects overlap`);
    }
  }
  const [a, b] = guarded.filter((o) => o.motion === 'pair');
  for (let t = 0; t < plan.frames; t++) if (!disjoint(boxAt(plan, a!, t), boxAt(plan, b!, t))) fail('the pair overlap each other');
}

/** Background plus ground shadows: the frame without any object pixels. */
function groundLayer(plan: ScenePlan, background: Uint8Array, t: number): Canvas {
  const { width, height } = plan;
  const canvas: Canvas = { width, height, rgb: background.slice(), labels: new Uint8Array(width * height) };
  const sh = plan.theme.kind.shadow;
  for (const o of plan.objects) {
    // A hopping object's shadow stays on the ground and fades as it rises.
    const k = 1 - 0.5 * Math.min(1, (o.baseline - o.y[t]!) / (0.2 * height));
    shadow(canvas, o.x[t]!, o.baseline, sh.rx * o.unit * k, sh.ry * o.unit * k + 1, sh.strength * k);
  }
  return canvas;
}

export function paintBackground(plan: ScenePlan): Uint8Array {
  const lanes = plan.objects.map((o) => o.baseline);
  return plan.theme.scenery({ width: plan.width, height: plan.height, horizon: plan.horizon, lanes }, plan.seed);
}

/**
 * Renders frame t: objects in drawing order over the ground, each writing its id wherever it puts
 * a pixel, so the labels are exactly the drawn objects, topmost at every pixel.
 * `objects: false` returns the ground layer alone (to check the masks against).
 */
export function renderFrame(plan: ScenePlan, background: Uint8Array, t: number, opts: { objects?: boolean } = {}): Canvas {
  const canvas = groundLayer(plan, background, t);
  if (opts.objects === false) return canvas;
  for (const o of plan.objects) blit(canvas, spriteOf(plan, o, o.pose[t]!), o.x[t]!, o.y[t]!, o.id);
  return canvas;
}
