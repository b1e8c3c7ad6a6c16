// Mosaic domain orientations exactly as C draws them: Numerical Recipes ran1 (float output, shared shuffle
// table), mosaic_rotation_umat with a float mosaicity and powf, domain 0 then forced to the identity.

const IA = 16807, IM = 2147483647, AM = 1.0 / IM, IQ = 127773, IR = 2836, NTAB = 32;
const NDIV = 1 + Math.trunc((IM - 1) / NTAB);
const RNMX = 1.0 - 1.2e-7;
const f32 = Math.fround;

/** ran1's static shuffle table: C shares it between all random streams of one process (misset, mosaic). */
export class Ran1Table {
  iy = 0;
  readonly iv = new Array<number>(NTAB).fill(0);
}

/** One ran1 stream: its own seed variable, the process-wide shuffle table. */
export class Ran1 {
  private readonly t: Ran1Table;
  constructor(public idum: number, table = new Ran1Table()) { this.t = table; }

  next(): number {
    const t = this.t;
    let k: number;
    if (this.idum <= 0 || !t.iy) {
      if (-this.idum < 1) this.idum = 1; else this.idum = -this.idum;
      for (let j = NTAB + 7; j >= 0; j--) {
        k = Math.trunc(this.idum / IQ);
        this.idum = IA * (this.idum - k * IQ) - IR * k;
        if (this.idum < 0) this.idum += IM;
        if (j < NTAB) t.iv[j] = this.idum;
      }
      t.iy = t.iv[0]!;
    }
    k = Math.trunc(this.idum / IQ);
    this.idum = IA * (this.idum - k * IQ) - IR * k;
    if (this.idum < 0) this.idum += IM;
    const j = Math.trunc(t.iy / NDIV);
    t.iy = t.iv[j]!;
    t.iv[j] = this.idum;
    const temp = f32(AM * t.iy);
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
export function mosaicUmats(spread: number, domains: number, seed: number, table = new Ran1Table()): number[] {
  const out = new Array<number>(9 * domains).fill(0);
  const rng = new Ran1(seed, table);
  for (let m = 0; m < domains; m++) {
    mosaicRotationUmat(spread, rng, out, 9 * m);
    if (m === 0) out.splice(0, 9, 1, 0, 0, 0, 1, 0, 0, 0, 1);
  }
  return out;
}

/** C umat2misset: the x, y, z rotation angles (rad) of a rotation matrix, after C's re-orthonormalisation. */
export function umat2misset(u: number[]): [number, number, number] {
  let [uxx, uxy, uxz, uyx, uyy, uyz, uzx, uzy, uzz] = u as [number, number, number, number, number, number, number, number, number];
  let mx = Math.sqrt(uxx * uxx + uxy * uxy + uxz * uxz);
  let my = Math.sqrt(uyx * uyx + uyy * uyy + uyz * uyz);
  let mz = Math.sqrt(uzx * uzx + uzy * uzy + uzz * uzz);
  if (mx > 0) { uxx /= mx; uxy /= mx; uxz /= mx; }
  if (my > 0) { uyx /= my; uyy /= my; uyz /= my; }
  if (mz > 0) { uzx /= mz; uzy /= mz; uzz /= mz; }
  if (mx >= 0 && my <= 0 && mz <= 0) { uyx = 0; uyy = 1; uyz = 0; uzx = 0; uzy = 0; uzz = 1; }
  if (mx <= 0 && my >= 0 && mz <= 0) { uxx = 1; uxy = 0; uxz = 0; uzx = 0; uzy = 0; uzz = 1; }
  if (mx <= 0 && my <= 0 && mz >= 0) { uxx = 1; uxy = 0; uxz = 0; uyx = 0; uyy = 1; uyz = 0; }
  const unit = (x: number, y: number, z: number): [number, number, number] => {
    const m = Math.sqrt(x * x + y * y + z * z);
    return m > 0 ? [x / m, y / m, z / m] : [x, y, z];
  };
  for (let pass = 0; pass < 2; pass++) {
    const xcy = unit(uxy * uyz - uxz * uyy, uxz * uyx - uxx * uyz, uxx * uyy - uxy * uyx);
    const ycz = unit(uyy * uzz - uyz * uzy, uyz * uzx - uyx * uzz, uyx * uzy - uyy * uzx);
    const zcx = unit(uzy * uxz - uzz * uxy, uzz * uxx - uzx * uxz, uzx * uxy - uzy * uxx);
    if (mx <= 0) [uxx, uxy, uxz] = ycz;
    if (my <= 0) [uyx, uyy, uyz] = zcx;
    if (mz <= 0) [uzx, uzy, uzz] = xcy;
  }
  mx = Math.sqrt(uxx * uxx + uxy * uxy + uxz * uxz);
  my = Math.sqrt(uyx * uyx + uyy * uyy + uyz * uyz);
  mz = Math.sqrt(uzx * uzx + uzy * uzy + uzz * uzz);
  if (mx > 0) { uxx /= mx; uxy /= mx; uxz /= mx; }
  if (my > 0) { uyx /= my; uyy /= my; uyz /= my; }
  if (mz > 0) { uzx /= mz; uzy /= mz; uzz /= mz; }
  if (uzx * uzx < 1.0) return [Math.atan2(uzy, uzz), Math.atan2(-uzx, Math.sqrt(uzy * uzy + uzz * uzz)), Math.atan2(uyx, uxx)];
  return [Math.atan2(1, 1) * 4, Math.atan2(1, 1) * 2, Math.atan2(uxy, -uyy)];
}
