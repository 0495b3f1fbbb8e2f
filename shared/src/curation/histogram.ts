import { countsToRuns, RleError, type Rle } from '../rle/index.ts';

/*
 * Colour histogram of an object's masked pixels (curation rule R1: look-alike objects).
 *
 * Why these bins and not an 8×8×8 RGB cube: one shaded surface (a white sheep in sun and shadow, a
 * red car's lit roof and dark flank) spreads over many RGB cells along the brightness diagonal, so
 * the same-looking object under slightly different light lands in different cells and scores as
 * different. Hue is stable under shading, so chromatic pixels are binned by hue (12 bins) with only
 * coarse chroma (2) and brightness (3) bins, which still keep dark red apart from pink. A pure
 * hue/saturation histogram has the opposite problem: hue is undefined (JPEG noise) for grey pixels,
 * and black, grey and white objects (suits, cars, sheep, horses) are common, so a hue histogram
 * would call a black dog and a white dog identical. Low-chroma pixels therefore get their own
 * lightness bins (6) instead. 78 bins in all: few enough that a few thousand pixels sampled over
 * several frames fill them stably.
 */
export const GREY_BINS = 6;
export const HUE_BINS = 12;
export const CHROMA_BINS = 2;
export const VALUE_BINS = 3;
export const HIST_BINS = GREY_BINS + HUE_BINS * CHROMA_BINS * VALUE_BINS;

/** Chroma (max − min of R, G, B) under which a pixel counts as grey: its hue is mostly noise. */
const GREY_CHROMA = 30;
/** Brightness (max of R, G, B) under which a pixel counts as near-black whatever its chroma. */
const DARK_VALUE = 40;
const STRONG_CHROMA = 100;
const VALUE_EDGES = [100, 180];

/** The histogram bin of one 8-bit sRGB pixel, in [0, HIST_BINS). */
export function colourBin(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const c = max - min;
  if (c < GREY_CHROMA || max < DARK_VALUE) return Math.min(GREY_BINS - 1, Math.floor(((max + min) / 2) * (GREY_BINS / 256)));
  let h: number; // hue in sextants, [0, 6)
  if (max === r) h = (g - b) / c + (g < b ? 6 : 0);
  else if (max === g) h = (b - r) / c + 2;
  else h = (r - g) / c + 4;
  const hue = Math.min(HUE_BINS - 1, Math.floor((h * HUE_BINS) / 6));
  const chroma = c < STRONG_CHROMA ? 0 : 1;
  const value = max < VALUE_EDGES[0] ? 0 : max < VALUE_EDGES[1] ? 1 : 2;
  return GREY_BINS + (hue * CHROMA_BINS + chroma) * VALUE_BINS + value;
}

/** Pixel counts per bin, to accumulate over frames before normalising. */
export function emptyHistogram(): Float64Array {
  return new Float64Array(HIST_BINS);
}

/** A decoded frame: row-major pixels, `channels` bytes each (1 = grey, 2 = grey+alpha, 3 = RGB, 4 = RGBA). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * Adds the pixels of `image` under the mask `rle` to `counts` and returns how many were added.
 * Walks the RLE runs directly (column-major, as COCO stores them), so no h*w mask is allocated and
 * the cost follows the object's area, and overlapping masks of two objects each see all their pixels.
 */
export function accumulateMaskedPixels(counts: Float64Array, image: RawImage, rle: Rle): number {
  const [h, w] = rle.size;
  const { data, width, channels } = image;
  if (h !== image.height || w !== width) throw new RleError(`mask size [${h}, ${w}] does not match the ${width}x${image.height} frame`);
  if (channels < 1 || channels > 4 || data.length < width * image.height * channels) throw new RleError(`frame buffer does not hold ${width}x${image.height}x${channels} bytes`);
  if (counts.length !== HIST_BINS) throw new RangeError(`histogram has ${counts.length} bins, expected ${HIST_BINS}`);
  const runs = countsToRuns(rle.counts, h, w);
  const colour = channels >= 3;
  let pos = 0;
  let added = 0;
  for (let r = 0; r < runs.length; r++) {
    const len = runs[r];
    if ((r & 1) === 1 && len > 0) {
      let x = (pos / h) | 0;
      let y = pos - x * h;
      let left = len;
      while (left > 0) {
        const seg = Math.min(left, h - y);
        for (let yy = y; yy < y + seg; yy++) {
          const i = (yy * w + x) * channels;
          const v = data[i];
          counts[colour ? colourBin(v, data[i + 1], data[i + 2]) : colourBin(v, v, v)]++;
        }
        added += seg;
        left -= seg;
        x++;
        y = 0;
      }
    }
    pos += len;
  }
  return added;
}

/**
 * Pixel counts → a distribution summing to 1, or null under `minPixels`: a histogram of a handful of
 * (mostly boundary) pixels says nothing about an object's appearance, so it never makes a pair.
 *
 * Counts are accumulated over frames without per-frame weighting: frames where the object is large
 * show it best, and the small spurious blobs of a drifting mask weigh little.
 */
export function normalizeHistogram(counts: ArrayLike<number>, minPixels = 50): Float64Array | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (!(total >= minPixels) || total <= 0) return null;
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / total;
  return out;
}

/**
 * Hellinger distance between two distributions: sqrt(1 − Bhattacharyya coefficient), in [0, 1],
 * 0 for identical histograms and 1 for disjoint ones. Chosen over 1 − BC because it is a true
 * metric (symmetric, triangle inequality), so "A looks like B and B like C" keeps A and C close,
 * and it separates near-identical histograms more finely (where the threshold sits).
 *
 * Calibration of the default lookalikeMaxDistance 0.3 (8 sampled frames per object): the demo's
 * look-alike figures (same kind, colours within a few %) score 0.05–0.27 (sheep, ducks, cars);
 * the different objects of the four DAVIS fixture clips (horse/rider, kite/board/surfer, ...)
 * 0.29–0.83, the low end being the kite against the small, drifting OSVOS board mask.
 */
export function histogramDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`histograms differ in length (${p.length} vs ${q.length})`);
  let bc = 0;
  for (let i = 0; i < p.length; i++) bc += Math.sqrt(p[i] * q[i]);
  // Rounding can put BC a hair above 1 for identical inputs.
  return Math.sqrt(Math.min(1, Math.max(0, 1 - bc)));
}
