// What the kernel fills for the one traced pixel (see kernel.ts: only that pixel's branch ever touches it).
export interface TraceSink {
  /** spixel·fpixels + fpixel */
  pixel: number;
  lines: string[];
  /** Constant lines C repeats in each sub-pixel block (pix0, fdet, sdet) and in the lattice block (reciprocal vectors). */
  detectorLines: string[];
  reciprocalLines: string[];
  /** r_e, r_e², fluence lines of the final block. */
  constantLines: string[];
  phiDeg: number[];
  /** incident·diffracted of the last source evaluated (C prints the last one as cos_2theta). */
  cos2theta: number;
  /** The float32 the kernel stored for the pixel. */
  value: number;
}
