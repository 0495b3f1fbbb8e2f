/**
 * The boundary tolerance of the official F: `ceil(bound_th × ‖(h, w)‖)` pixels for bound_th < 1
 * (0.008 → 8 px at 854×480, 12 px at 1280×720), bound_th itself when ≥ 1. The norm is
 * `sqrt(h² + w²)` of the integer shape, computed the same way (not Math.hypot, whose last bit may
 * differ and flip a ceil that lands on an integer).
 */
export function boundaryRadius(width: number, height: number, boundTh = 0.008): number {
  const r = boundTh >= 1 ? boundTh : Math.ceil(boundTh * Math.sqrt(height * height + width * width));
  // skimage's disk() of a fractional radius is centred between pixels; the official bound_th
  // never produces one, so refuse rather than guess.
  if (!Number.isInteger(r)) throw new Error(`boundary radius must be a whole number of pixels, got ${r}`);
  return r;
}

/**
 * Half-widths of the structuring element `skimage.morphology.disk(r)`: row dy of the disk spans
 * dx ∈ [-k, k] with k = max{k : k² + dy² ≤ r²}. Integer arithmetic only, so the disk is the exact
 * pixel set the official kernel has (a float sqrt could drop the rim pixels where equality holds).
 */
export function diskHalfWidths(r: number): Int32Array {
  const hw = new Int32Array(r + 1);
  const r2 = r * r;
  let k = r;
  for (let dy = 0; dy <= r; dy++) {
    while (k * k + dy * dy > r2) k--;
    hw[dy] = k;
  }
  return hw;
}

/**
 * Dense disk dilation, pixel-identical to `cv2.dilate(img, disk(r))`: outside the image counts
 * as background (OpenCV's default border for dilation), and the disk is symmetric so the kernel
 * reflection does not matter. Per row it takes the horizontal distance to the nearest set pixel,
 * then a pixel is set when some row dy within the disk has a set pixel within half-width
 * hw[|dy|]: O(w·h·(2r+1)) with no per-pixel allocation. The metric itself uses the sparse
 * matcher in boundary-match.ts; this is the reference the tests hold it to.
 */
export function dilateDisk(src: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const hw = diskHalfWidths(r);
  const far = r + 1;
  const dist = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let last = -far - 1;
    for (let x = 0; x < width; x++) {
      if (src[row + x] !== 0) last = x;
      dist[row + x] = Math.min(far, x - last);
    }
    last = width + far + 1;
    for (let x = width - 1; x >= 0; x--) {
      if (src[row + x] !== 0) last = x;
      const d = last - x;
      if (d < dist[row + x]) dist[row + x] = d;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height - 1, y + r);
    for (let x = 0; x < width; x++) {
      for (let yy = y0; yy <= y1; yy++) {
        if (dist[yy * width + x] <= hw[yy > y ? yy - y : y - yy]) {
          out[y * width + x] = 1;
          break;
        }
      }
    }
  }
  return out;
}
