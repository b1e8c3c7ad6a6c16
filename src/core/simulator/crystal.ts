// The crystal lattice as C builds it: reciprocal vectors from -cell and/or the MOSFLM A matrix (λ removed with
// -lambda), missetting (given or random), then real-space vectors and regenerated reciprocal ones.
import { EmbeddedFlagError, type RawOptions } from './flags.ts';
import { FLOAT_RE, readInput, scanNumbers } from './inputs.ts';
import { mosaicRotationUmat, Ran1, type Ran1Table, umat2misset } from './mosaic.ts';
import { cross, dot, magnitude, rescale, rotateXYZ, scale, type V3 } from './vec3.ts';

const RTD = 180.0 * (1 / Math.PI);
const DBL_MIN = 2.2250738585072014e-308;

export interface Crystal {
  /** Real-space cell vectors (m). */
  a: V3; b: V3; c: V3;
  /** Reciprocal vectors (Å⁻¹), used by the non-parallelepiped shapes. */
  aStar: V3; bStar: V3; cStar: V3;
  /** Cell volume (Å³) and a b c (Å) α β γ (degrees), for the summary. */
  Vcell: number;
  cellA: [number, number, number, number, number, number];
}

/** Mutates o.misset when -misset random is given (as C does). */
export function buildCrystal(o: RawOptions, cwd: string, ranTable: Ran1Table, warnings: string[]): Crystal {
  let a: V3 = [0, 0, 0], b: V3 = [0, 0, 0], c: V3 = [0, 0, 0];
  let aStar: V3 = [0, 0, 0], bStar: V3 = [0, 0, 0], cStar: V3 = [0, 0, 0];
  let Vcell = 0, Vstar = 0;
  const cellLen = [o.cell[0], o.cell[1], o.cell[2]];
  if (o.userCell) {
    // eslint-disable-next-line prefer-const -- one destructuring like C's six cell variables; B, C (and angles) are reassigned below
    let [A, B, C, alpha, beta, gamma] = o.cell;
    if (B <= 0.0) B = A;
    if (C <= 0.0) C = A;
    if (alpha <= 0.0) alpha = Math.PI / 2;
    if (beta <= 0.0) beta = Math.PI / 2;
    if (gamma <= 0.0) gamma = Math.PI / 2;
    cellLen[0] = A; cellLen[1] = B; cellLen[2] = C;
    const aavg = (alpha + beta + gamma) / 2;
    let skew = Math.sin(aavg) * Math.sin(aavg - alpha) * Math.sin(aavg - beta) * Math.sin(aavg - gamma);
    if (skew < 0.0) skew = -skew;
    Vcell = 2.0 * A * B * C * Math.sqrt(skew);
    if (Vcell <= 0.0) { warnings.push(`WARNING: impossible unit cell volume: ${Vcell}`); Vcell = DBL_MIN; }
    Vstar = 1.0 / Vcell;
    let as0 = B * C * Math.sin(alpha) * Vstar, bs0 = C * A * Math.sin(beta) * Vstar, cs0 = A * B * Math.sin(gamma) * Vstar;
    if (as0 <= 0.0 || bs0 <= 0.0 || cs0 <= 0.0) {
      as0 = Math.abs(as0) || DBL_MIN; bs0 = Math.abs(bs0) || DBL_MIN; cs0 = Math.abs(cs0) || DBL_MIN;
    }
    const cosAS = (Math.cos(beta) * Math.cos(gamma) - Math.cos(alpha)) / (Math.sin(beta) * Math.sin(gamma));
    const cosBS = (Math.cos(gamma) * Math.cos(alpha) - Math.cos(beta)) / (Math.sin(gamma) * Math.sin(alpha));
    let cosGS = (Math.cos(alpha) * Math.cos(beta) - Math.cos(gamma)) / (Math.sin(alpha) * Math.sin(beta));
    let sinGS = C * Vstar / as0 / bs0;
    if (sinGS > 1.0) sinGS = 1.0;
    if (sinGS < -1.0) sinGS = -1.0;
    let cAS = cosAS, cBS = cosBS;
    if (cAS * cAS > 1.0) cAS = 1.0;
    if (cBS * cBS > 1.0) cBS = 1.0;
    if (cosGS * cosGS > 1.0) cosGS = 1.0;
    aStar = [as0, 0.0, 0.0];
    bStar = [bs0 * cosGS, bs0 * sinGS, 0.0];
    cStar = [cs0 * cBS, cs0 * (cAS - cBS * cosGS) / sinGS, cs0 * Vcell / (A * B * C * sinGS)];
  }
  if (o.matFile) {
    const nums = scanNumbers(readInput('-mat', o.matFile, cwd), FLOAT_RE, 9);
    if (nums.length < 9) throw new EmbeddedFlagError(`-mat ${o.matFile}: expected 9 numbers (3 lines of a*, b*, c* columns), found ${nums.length}`);
    const s = 1e-10 / o.lambda0;
    aStar = scale([nums[0]!, nums[3]!, nums[6]!], s);
    bStar = scale([nums[1]!, nums[4]!, nums[7]!], s);
    cStar = scale([nums[2]!, nums[5]!, nums[8]!], s);
  }
  // One ran1 shuffle table for the whole run, as C's static one.
  if (o.missetRandom) {
    const seed = o.missetSeed ?? -Math.floor(Date.now() / 1000);
    const u = new Array<number>(9).fill(0);
    mosaicRotationUmat(90.0, new Ran1(seed, ranTable), u, 0);
    o.misset = umat2misset(u);
    warnings.push(`random orientation misset angles: ${o.misset.map((x) => (x * RTD).toFixed(6)).join(' ')} deg${o.missetSeed === undefined ? ' (seeded from the clock: pass -misset_seed N to repeat)' : ''}`);
  }
  if (o.misset) {
    aStar = rotateXYZ(aStar, o.misset[0], o.misset[1], o.misset[2]);
    bStar = rotateXYZ(bStar, o.misset[0], o.misset[1], o.misset[2]);
    cStar = rotateXYZ(cStar, o.misset[0], o.misset[1], o.misset[2]);
  }
  let asxbs = cross(aStar, bStar), bsxcs = cross(bStar, cStar), csxas = cross(cStar, aStar);
  Vstar = dot(aStar, bsxcs);
  if (o.userCell) {
    bsxcs = rescale(bsxcs, cellLen[0]! / Vcell);
    csxas = rescale(csxas, cellLen[1]! / Vcell);
    asxbs = rescale(asxbs, cellLen[2]! / Vcell);
    Vstar = 1.0 / Vcell;
  }
  Vcell = 1.0 / Vstar;
  a = scale(bsxcs, Vcell); b = scale(csxas, Vcell); c = scale(asxbs, Vcell);
  aStar = scale(cross(b, c), Vstar); bStar = scale(cross(c, a), Vstar); cStar = scale(cross(a, b), Vstar);
  const cellA: Crystal['cellA'] = [
    magnitude(a), magnitude(b), magnitude(c),
    Math.acos(Math.max(-1, Math.min(1, dot(b, c) / magnitude(b) / magnitude(c)))) * RTD,
    Math.acos(Math.max(-1, Math.min(1, dot(a, c) / magnitude(a) / magnitude(c)))) * RTD,
    Math.acos(Math.max(-1, Math.min(1, dot(a, b) / magnitude(a) / magnitude(b)))) * RTD,
  ];
  a = scale(a, 1e-10); b = scale(b, 1e-10); c = scale(c, 1e-10);
  if (!Number.isFinite(Vcell) || [a, b, c].some((v) => v.some((x) => !Number.isFinite(x)))) {
    throw new EmbeddedFlagError('the crystal cell is degenerate (zero or non-finite volume): check -mat / -cell');
  }

  return { a, b, c, aStar, bStar, cStar, Vcell, cellA };
}
