// Azimuthally averaged intensity around the beam centre. Pixel (s, f) has its centre at (s, f) in the same
// continuous index space as BeamCenter, so a beam at 128.5 sits on the corner of four pixels.
import type { BeamCenter } from '../../src/shared/messages.ts';

export interface RadialPoint { r: number; mean: number; count: number }

/** Mean of finite pixels in annuli of `binWidth` pixels; r is the annulus mid-radius. Empty annuli are omitted. */
export function radialProfile(img: ArrayLike<number>, fpixels: number, spixels: number, center: BeamCenter,
  opts: { binWidth?: number; maxBins?: number } = {}): RadialPoint[] {
  if (img.length !== fpixels * spixels) throw new Error(`radial profile: ${img.length} pixels is not ${fpixels}×${spixels}`);
  // Farthest corner decides the number of annuli; cap it so huge detectors still give a readable line.
  const far = Math.max(
    Math.hypot(center.slow, center.fast), Math.hypot(center.slow, fpixels - 1 - center.fast),
    Math.hypot(spixels - 1 - center.slow, center.fast), Math.hypot(spixels - 1 - center.slow, fpixels - 1 - center.fast));
  const maxBins = opts.maxBins ?? 256;
  const binWidth = Math.max(opts.binWidth ?? 1, far / maxBins);
  const nb = Math.floor(far / binWidth) + 1;
  const sums = new Float64Array(nb);
  const counts = new Float64Array(nb);
  for (let s = 0; s < spixels; s++) {
    const ds = s - center.slow;
    for (let f = 0; f < fpixels; f++) {
      const v = img[s * fpixels + f];
      if (!Number.isFinite(v)) continue;
      const k = Math.floor(Math.hypot(ds, f - center.fast) / binWidth);
      sums[k] += v;
      counts[k]++;
    }
  }
  const out: RadialPoint[] = [];
  for (let k = 0; k < nb; k++) if (counts[k] > 0) out.push({ r: (k + 0.5) * binWidth, mean: sums[k] / counts[k], count: counts[k] });
  return out;
}

/** Default beam centre when the host sends none: the detector's geometric centre. */
export function geometricCenter(fpixels: number, spixels: number): BeamCenter {
  return { slow: (spixels - 1) / 2, fast: (fpixels - 1) / 2 };
}
