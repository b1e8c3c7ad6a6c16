// Mosaic domain orientations exactly as C draws them: Numerical Recipes ran1 (float output, shared shuffle
// table), mosaic_rotation_umat with a float mosaicity and powf, domain 0 then forced to the identity.

const IA = 16807, IM = 2147483647, AM = 1.0 / IM, IQ = 127773, IR = 2836, NTAB = 32;
const NDIV = 1 + Math.trunc((IM - 1) / NTAB);
const RNMX = 1.0 - 1.2e-7;
const f32 = Math.fround;

/** One ran1 state (C keeps iy/iv static; each simulation starts fresh, as C's process does). */
export class Ran1 {
  private iy = 0;
  private readonly iv = new Array<number>(NTAB).fill(0);
  constructor(public idum: number) {}

  next(): number {
    let k: number;
    if (this.idum <= 0 || !this.iy) {
      if (-this.idum < 1) this.idum = 1; else this.idum = -this.idum;
      for (let j = NTAB + 7; j >= 0; j--) {
        k = Math.trunc(this.idum / IQ);
        this.idum = IA * (this.idum - k * IQ) - IR * k;
        if (this.idum < 0) this.idum += IM;
        if (j < NTAB) this.iv[j] = this.idum;
      }
      this.iy = this.iv[0]!;
    }
    k = Math.trunc(this.idum / IQ);
    this.idum = IA * (this.idum - k * IQ) - IR * k;
    if (this.idum < 0) this.idum += IM;
    const j = Math.trunc(this.iy / NDIV);
    this.iy = this.iv[j]!;
    this.iv[j] = this.idum;
    const temp = f32(AM * this.iy);
    return temp > RNMX ? f32(RNMX) : temp;
  }
}

/** C mosaic_rotation_umat: a random rotation within a spherical cap of the given (float) angle. */
export function mosaicRotationUmat(mosaicity: number, rng: Ran1, out: number[], o: number): void {
  const mos = f32(mosaicity);
  const r1 = 2.0 * rng.next() - 1.0;
  const r2 = 2.0 * rng.next() - 1.0;
  const r3 = 2.0 * rng.next() - 1.0;
  const xyrad = Math.sqrt(1.0 - r2 * r2);
  const rot = f32(mos * f32(Math.pow(f32(1.0 - r3 * r3), f32(1.0 / 3.0))));
  const v1 = xyrad * Math.sin(Math.PI * r1);
  const v2 = xyrad * Math.cos(Math.PI * r1);
  const v3 = r2;
  const t1 = Math.cos(rot), t2 = 1.0 - t1, t3 = v1 * v1, t6 = t2 * v1, t7 = t6 * v2, t8 = Math.sin(rot);
  const t9 = t8 * v3, t11 = t6 * v3, t12 = t8 * v2, t15 = v2 * v2, t19 = t2 * v2 * v3, t20 = t8 * v1, t24 = v3 * v3;
  out[o] = t1 + t2 * t3; out[o + 1] = t7 - t9; out[o + 2] = t11 + t12;
  out[o + 3] = t7 + t9; out[o + 4] = t1 + t2 * t15; out[o + 5] = t19 - t20;
  out[o + 6] = t11 - t12; out[o + 7] = t19 + t20; out[o + 8] = t1 + t2 * t24;
}

/** All domains' 3×3 matrices (row-major, 9 per domain); domain 0 is the identity. */
export function mosaicUmats(spread: number, domains: number, seed: number): number[] {
  const out = new Array<number>(9 * domains).fill(0);
  const rng = new Ran1(seed);
  for (let m = 0; m < domains; m++) {
    mosaicRotationUmat(spread, rng, out, 9 * m);
    if (m === 0) out.splice(0, 9, 1, 0, 0, 0, 1, 0, 0, 0, 1);
  }
  return out;
}
