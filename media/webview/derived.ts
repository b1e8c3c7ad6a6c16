// Images computed in the webview from the two received buffers: Δ = candidate − reference and ratio = candidate / reference.
// (Sending them from the host would triple the transfer; the arithmetic is cheap.)

export function difference(reference: Float32Array, candidate: Float32Array): Float32Array {
  if (reference.length !== candidate.length) throw new Error(`Δ needs equal sizes: reference ${reference.length} vs candidate ${candidate.length} pixels`);
  const out = new Float32Array(reference.length);
  for (let i = 0; i < out.length; i++) out[i] = candidate[i] - reference[i];
  return out;
}

/** candidate / reference as IEEE division: ∞ where only the reference is 0, NaN for 0/0 (classes of ratioScale.ts). */
export function ratio(reference: Float32Array, candidate: Float32Array): Float32Array {
  if (reference.length !== candidate.length) throw new Error(`ratio needs equal sizes: reference ${reference.length} vs candidate ${candidate.length} pixels`);
  const out = new Float32Array(reference.length);
  for (let i = 0; i < out.length; i++) out[i] = candidate[i] / reference[i];
  return out;
}

export interface ImageStats { min: number; max: number; mean: number; sum: number; finite: number; nan: number; inf: number }

export function imageStats(img: ArrayLike<number>): ImageStats {
  let min = Infinity, max = -Infinity, sum = 0, finite = 0, nan = 0, inf = 0;
  for (let i = 0; i < img.length; i++) {
    const v = img[i];
    if (Number.isNaN(v)) { nan++; continue; }
    if (!Number.isFinite(v)) { inf++; continue; }
    finite++; sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min: finite ? min : Number.NaN, max: finite ? max : Number.NaN, mean: finite ? sum / finite : Number.NaN, sum, finite, nan, inf };
}

export interface HoverValues {
  slow: number;
  fast: number;
  reference?: number;
  candidate?: number;
  model?: number;
  delta?: number;
  ratio?: number;
  /** Set when the values come from a k×k max-binned preview (the max of the bin holding this pixel), not the pixel itself. */
  binning?: number;
}

/** Values under the pointer at integer pixel (slow, fast); undefined when outside the image. */
export function hoverValues(images: { reference?: Float32Array; candidate?: Float32Array; model?: Float32Array },
  fpixels: number, spixels: number, slow: number, fast: number): HoverValues | undefined {
  if (!Number.isInteger(slow) || !Number.isInteger(fast) || slow < 0 || fast < 0 || slow >= spixels || fast >= fpixels) return undefined;
  const i = slow * fpixels + fast;
  const out: HoverValues = { slow, fast };
  if (images.reference) out.reference = images.reference[i];
  if (images.candidate) out.candidate = images.candidate[i];
  if (images.model) out.model = images.model[i];
  if (out.reference !== undefined && out.candidate !== undefined) {
    out.delta = out.candidate - out.reference;
    out.ratio = out.reference === 0 ? Number.NaN : out.candidate / out.reference;
  }
  return out;
}
