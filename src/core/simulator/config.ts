// Raw options → the fully resolved, serialisable simulation config (plain data: it is posted to workers).
// Every step follows nanoBragg C's setup order and arithmetic; see physics-brief.md for the facts.
import { EmbeddedFlagError, type RawOptions, type ConventionName, type PivotName, type ShapeName } from './flags.ts';
import type { ResolvedForks } from './forks.ts';
import { applySourceDefaults, generateSources, readSourceFileC, readSourceFileClean, type SourceRecord } from './sources.ts';
import { cross, dot, magnitude, rotateAxis, rotateUmat, rotateXYZ, unitize, type V3 } from './vec3.ts';
import { mosaicUmats, Ran1Table } from './mosaic.ts';
import { buildCrystal } from './crystal.ts';
import { readHkl, readInput, type HklGrid } from './inputs.ts';

const RTD = 180.0 * (1 / Math.PI);
const DBL_MIN = 2.2250738585072014e-308;
const AVOGADRO = 6.02214179e23;
const R_E_SQR = 7.94079248018965e-30;


/** Everything the kernel needs, as plain data. */
export interface SimConfig {
  fpixels: number; spixels: number; pixel: number; subpixel: number;
  oversample: number; oversampleThick: boolean; oversamplePolar: boolean; oversampleOmega: boolean;
  roi: [number, number, number, number];
  /** -mask: pixels whose mask value is 0 are skipped (C indexes it with the final fpixels). */
  mask?: Uint8Array;
  fdet: V3; sdet: V3; odet: V3; pix0: V3; beam: V3; polarAxis: V3;
  closeDistance: number; distance: number; curved: boolean; pointPixel: boolean;
  thicksteps: number; thickstep: number; detectorThick: number; detectorMu: number;
  /** Unit source vectors (x,y,z per source; the incident direction is their negative) and wavelengths. */
  src: number[]; srcLambda: number[]; nSources: number;
  phisteps: number; phiNonzero: boolean[]; mosaicDomains: number; mosaic: boolean;
  /** Crystal a,b,c (m) per [rotation state][domain]: state 0 = unrotated, 1+t = rotated by φ_t. 9 numbers each. */
  latt: number[];
  aStar: V3; bStar: V3; cStar: V3;
  Na: number; Nb: number; Nc: number; shape: ShapeName; fudge: number;
  defaultF: number; hkl?: HklGrid;
  /** Tricubic F interpolation (C: auto-on when some N ≤ 2 and an HKL grid exists). */
  interpolate: boolean;
  /**
   * C switches interpolation off for good at the first evaluation whose neighbourhood leaves the grid (one-shot
   * global). Evaluations before (pixel, eval) — sequential order of a 1-thread C run — interpolate; later ones
   * use the nearest neighbour. Infinity until known.
   */
  interpUntilPixel: number; interpUntilEval: number;
  dmin: number; kahn: number; nopolar: boolean;
  scale: number; steps: number; Ibg: number; waterSize: number;
  forks: ResolvedForks;
  /** First rows of C's OpenMP static blocks (the φ=0 carry-over restarts there). */
  ompBlockStarts: number[];
}

/** What the summary printer and EffectiveConfig need besides the kernel config. */
export interface SetupInfo {
  convention: ConventionName; pivot: PivotName;
  pix0: V3; fdet: V3; sdet: V3; odet: V3;
  sourcesPrinted: SourceRecord[]; divsteps: number; dispsteps: number; dispersion: number;
  hdivrange: number; hdivstep: number; vdivrange: number; vdivstep: number;
  phi0: number; osc: number; phistep: number;
  lambda0: number; fluence: number; detsizeF: number; detsizeS: number;
  Xbeam: number; Ybeam: number; Fbeam: number; Sbeam: number; Fclose: number; Sclose: number;
  cellA: [number, number, number, number, number, number]; volume: number;
  xtalSizeM: [number, number, number];
  recommendedOversample: number; autoOversample: boolean;
  mosaicSpread: number; hkls: number; shape: ShapeName; kahn: number; nopolar: boolean;
  curved: boolean; pointPixel: boolean; detectorThick: number; thicksteps: number; detectorMu: number;
  noEffect: string[]; interpolate: boolean; warnings: string[]; maskFile?: string;
}

export interface BuildOptions { cwd: string; forks: ResolvedForks; ompThreads: number; mask?: { file: string; data: Uint16Array } }

/** C's step auto-selection shared by divergence and dispersion ("count", "range", "step"). */
function autoSteps(steps: number, range: number, step: number, countOnlyRange: number): [number, number, number] {
  if (steps <= 0) {
    if (range < 0.0) {
      if (step <= 0.0) { steps = 1; range = 0.0; step = 0.0; } else { range = step; steps = 2; }
    } else if (step <= 0.0) { step = range; steps = 2; } else { steps = Math.ceil(range / step); }
  } else if (range < 0.0) {
    if (step <= 0.0) { range = countOnlyRange; step = range / steps; } else { range = step; steps = 2; }
  } else if (step <= 0.0) {
    if (steps <= 1) steps = 2;
    step = range / (steps - 1);
  }
  if (range <= 0.0 || step <= 0.0 || steps <= 0) { steps = 1; range = 0.0; step = 0.0; }
  return [steps, range, step];
}

/** libgomp's static schedule: first row of each thread's contiguous block. */
export function ompBlockStarts(rows: number, threads: number): number[] {
  const t = Math.max(1, Math.floor(threads));
  const q = Math.floor(rows / t), r = rows % t;
  const starts: number[] = [];
  for (let i = 0; i < t; i++) {
    const s = q * i + Math.min(i, r);
    if (s < rows && (i === 0 || s !== starts[starts.length - 1])) starts.push(s);
  }
  return starts;
}

export function buildConfig(raw: RawOptions, opts: BuildOptions): { config: SimConfig; info: SetupInfo } {
  const o = structuredClone(raw);
  const forks = opts.forks;
  const warnings: string[] = [];
  if (!o.nGiven && forks.defaultN === '5') { o.Na = o.Nb = o.Nc = 5; }

  if (!o.matFile && !o.userCell) throw new EmbeddedFlagError('no crystal given: pass -mat A.mat or -cell a b c alpha beta gamma');
  if (!o.hklFile && o.defaultF === 0.0) throw new EmbeddedFlagError('no structure factors: pass -hkl FILE or a non-zero -default_F (the embedded engine never reads ./Fdump.bin)');

  // Detector size in pixels (C "fill in blanks").
  let detsizeF = o.detsizeF, detsizeS = o.detsizeS;
  if (o.fpixels) detsizeF = o.pixel * o.fpixels;
  if (o.spixels) detsizeS = o.pixel * o.spixels;
  const fpixels = Math.ceil(detsizeF / o.pixel - 0.5);
  const spixels = Math.ceil(detsizeS / o.pixel - 0.5);
  if (!(fpixels > 0 && spixels > 0) || !Number.isFinite(fpixels * spixels)) {
    throw new EmbeddedFlagError(`detector size resolves to ${fpixels}x${spixels} pixels: check -detpixels/-detsize/-pixel`);
  }
  if (fpixels * spixels > 64 * 1024 * 1024) throw new EmbeddedFlagError(`detector of ${fpixels}x${spixels} pixels is too large (limit 64 Mpixel)`);

  // Fluence and beam clipping of the sample.
  let fluence = o.fluence;
  if (o.flux !== 0.0 && o.exposure > 0.0 && o.beamsize >= 0) fluence = o.flux * o.exposure / o.beamsize / o.beamsize;
  if (o.beamsize >= 0) {
    if (o.beamsize < o.sampleY) o.sampleY = o.beamsize;
    if (o.beamsize < o.sampleZ) o.sampleZ = o.beamsize;
  }

  let Fclose = NaN, Sclose = NaN;
  if (!Number.isNaN(o.ORGX)) Fclose = (o.ORGX - 0.5) * o.pixel;
  if (!Number.isNaN(o.ORGY)) Sclose = (o.ORGY - 0.5) * o.pixel;
  if (Number.isNaN(Fclose)) Fclose = (detsizeF - 0 * o.pixel) / 2.0;
  if (Number.isNaN(Sclose)) Sclose = (detsizeS + 0 * o.pixel) / 2.0;
  let Xclose = o.Xclose, Yclose = o.Yclose;
  if (Number.isNaN(Xclose)) Xclose = Fclose;
  if (Number.isNaN(Yclose)) Yclose = Sclose;
  let Fbeam = Fclose, Sbeam = Sclose;
  const roi: [number, number, number, number] = [
    o.roi[0] < 0 ? 0 : o.roi[0], o.roi[1] < 0 ? fpixels : o.roi[1], o.roi[2] < 0 ? 0 : o.roi[2], o.roi[3] < 0 ? spixels : o.roi[3],
  ];

  // Conventions: basis vectors and the beam-centre mapping.
  let { Xbeam, Ybeam } = o;
  let beam = o.beam, fdet = o.fdet, sdet = o.sdet, odet = o.odet, twothetaAxis = o.twothetaAxis, polarAxis = o.polarAxis, spindle = o.spindle;
  let pivot = o.pivot;
  const px = o.pixel;
  switch (o.convention) {
    case 'ADXV':
      if (Number.isNaN(Xbeam)) Xbeam = (detsizeF + px) / 2.0;
      if (Number.isNaN(Ybeam)) Ybeam = (detsizeS - px) / 2.0;
      beam = [0, 0, 1]; fdet = [1, 0, 0]; sdet = [0, -1, 0]; odet = [0, 0, 1]; twothetaAxis = [-1, 0, 0]; polarAxis = [1, 0, 0]; spindle = [1, 0, 0];
      Fbeam = Xbeam; Sbeam = detsizeS - Ybeam; pivot = 'BEAM';
      break;
    case 'MOSFLM':
    case 'DENZO': {
      if (Number.isNaN(Xbeam)) Xbeam = (detsizeS + px) / 2.0;
      if (Number.isNaN(Ybeam)) Ybeam = (detsizeF + px) / 2.0;
      beam = [1, 0, 0]; odet = [1, 0, 0]; fdet = [0, 0, 1]; sdet = [0, -1, 0]; twothetaAxis = [0, 0, -1]; polarAxis = [0, 0, 1]; spindle = [0, 0, 1];
      const half = o.convention === 'MOSFLM' ? 0.5 : 0.0;
      Fbeam = Ybeam + half * px; Sbeam = Xbeam + half * px; pivot = 'BEAM';
      break;
    }
    case 'XDS':
    case 'DIALS':
      if (Number.isNaN(Xbeam)) Xbeam = Xclose;
      if (Number.isNaN(Ybeam)) Ybeam = Yclose;
      beam = [0, 0, 1]; fdet = [1, 0, 0]; sdet = [0, 1, 0]; odet = [0, 0, 1];
      if (o.convention === 'XDS') { twothetaAxis = [1, 0, 0]; polarAxis = [1, 0, 0]; spindle = [1, 0, 0]; } else { twothetaAxis = [0, 1, 0]; polarAxis = [0, 1, 0]; spindle = [0, 1, 0]; }
      Fbeam = Xbeam; Sbeam = Ybeam; pivot = 'SAMPLE';
      break;
    case 'CUSTOM':
      if (Number.isNaN(Xbeam)) Xbeam = Xclose;
      if (Number.isNaN(Ybeam)) Ybeam = Yclose;
      Fbeam = Xbeam; Sbeam = Ybeam; Fclose = Xbeam; Sclose = Ybeam;
      break;
  }
  beam = unitize(beam); fdet = unitize(fdet); sdet = unitize(sdet);
  if (magnitude(odet) !== 1.0) { warnings.push('WARNING: auto-generating odet_vector'); odet = unitize(cross(fdet, sdet)); } else odet = unitize(odet);
  polarAxis = unitize(polarAxis); spindle = unitize(spindle);
  const vert = unitize(cross(beam, polarAxis));

  // Divergence, dispersion, thickness, mosaic, φ auto-selection.
  const [hdivsteps, hdivrange, hdivstep] = autoSteps(o.hdivsteps, o.hdivrange, o.hdivstep, 1.0);
  const [vdivsteps, vdivrange, vdivstep] = autoSteps(o.vdivsteps, o.vdivrange, o.vdivstep, 1.0);
  // Dispersion's step is never user-settable in C (dispstep starts at −1).
  const [dispsteps, dispersion, dispstep] = autoSteps(o.dispsteps, o.dispersion, -1, 1.0);
  let thicksteps = o.detectorThicksteps, thick = o.detectorThick, thickstep = -1.0;
  if (thicksteps <= 0) {
    if (thick < 0.0) { thicksteps = 1; thick = 0.0; thickstep = 0.0; } else { thicksteps = 2; thickstep = thick / thicksteps; }
  } else if (thick < 0.0) { thick = 0.5e-6; thickstep = thick / thicksteps; } else { if (thicksteps <= 1) thicksteps = 2; thickstep = thick / (thicksteps - 1); }
  if (thick <= 0.0 || thickstep <= 0.0 || thicksteps <= 0) { thicksteps = 1; thick = 0.0; thickstep = 0.0; }
  let mu = o.detectorMu;
  if (thick > 0.0 && mu < 0.0) { mu = 1.0 / thick; warnings.push(`WARNING: setting detector attenuation depth to ${mu} m`); }

  let mosaicDomains = o.mosaicDomains, mosaicSpread = o.mosaicSpread;
  if (mosaicDomains <= 0) {
    if (mosaicSpread < 0.0) { mosaicDomains = 1; mosaicSpread = 0.0; } else if (mosaicSpread === 0.0) mosaicDomains = 1; else { warnings.push('WARNING: finite mosaicity with only one domain! upping to 10 mosaic domains'); mosaicDomains = 10; }
  } else if (mosaicSpread < 0.0) { mosaicSpread = 0.0; mosaicDomains = 1; } else if (mosaicSpread === 0.0) mosaicDomains = 1;

  let phisteps = o.phisteps, osc = o.osc, phistep = o.phistep;
  if (phisteps < 0) {
    if (osc < 0.0) {
      if (phistep <= 0.0) { phisteps = 1; osc = 0.0; phistep = 0.0; } else { osc = phistep; phisteps = 2; }
    } else if (phistep <= 0.0) { phisteps = 2; phistep = osc / 2.0; } else phisteps = Math.ceil(osc / phistep);
  } else {
    if (phisteps === 0) phisteps = 1;
    if (osc < 0.0) {
      if (phistep <= 0.0) { osc = 1.0 / RTD; phistep = osc / phisteps; } else { osc = phistep; phisteps = 2; }
    } else if (phistep < 0.0) phistep = osc / phisteps;
  }

  // Detector placement (pivots, rotations, 2θ).
  let ratio = dot(beam, rotateXYZ(odet, o.rotx, o.roty, o.rotz));
  if (ratio === 0.0) ratio = DBL_MIN;
  let closeDistance = o.closeDistance;
  if (Number.isNaN(closeDistance)) closeDistance = Math.abs(ratio * o.distance);
  let distance = closeDistance / ratio;
  let pix0: V3 = [0, 0, 0];
  if (pivot === 'SAMPLE') {
    pix0 = [
      -Fclose * fdet[0] - Sclose * sdet[0] + closeDistance * odet[0],
      -Fclose * fdet[1] - Sclose * sdet[1] + closeDistance * odet[1],
      -Fclose * fdet[2] - Sclose * sdet[2] + closeDistance * odet[2],
    ];
    pix0 = rotateAxis(rotateXYZ(pix0, o.rotx, o.roty, o.rotz), twothetaAxis, o.twotheta);
  }
  fdet = rotateAxis(rotateXYZ(fdet, o.rotx, o.roty, o.rotz), twothetaAxis, o.twotheta);
  sdet = rotateAxis(rotateXYZ(sdet, o.rotx, o.roty, o.rotz), twothetaAxis, o.twotheta);
  odet = rotateAxis(rotateXYZ(odet, o.rotx, o.roty, o.rotz), twothetaAxis, o.twotheta);
  if (pivot === 'BEAM') {
    pix0 = [
      -Fbeam * fdet[0] - Sbeam * sdet[0] + distance * beam[0],
      -Fbeam * fdet[1] - Sbeam * sdet[1] + distance * beam[1],
      -Fbeam * fdet[2] - Sbeam * sdet[2] + distance * beam[2],
    ];
  }
  Fclose = -dot(pix0, fdet);
  Sclose = -dot(pix0, sdet);
  closeDistance = dot(pix0, odet);
  const nv: V3 = [closeDistance / ratio * beam[0] - pix0[0], closeDistance / ratio * beam[1] - pix0[1], closeDistance / ratio * beam[2] - pix0[2]];
  Fbeam = dot(fdet, nv);
  Sbeam = dot(sdet, nv);
  distance = closeDistance / ratio;

  // Interpolation choice (C decides it before reading the HKL file).
  let interpolate = o.interpolate;
  if (interpolate > 1) interpolate = (o.Na <= 2 || o.Nb <= 2 || o.Nc <= 2) ? 1 : 0;

  // Crystal: reciprocal vectors from -cell and/or the A matrix, misset, then real-space vectors.
  const ranTable = new Ran1Table();
  const { a, b, c, aStar, bStar, cStar, Vcell, cellA } = buildCrystal(o, opts.cwd, ranTable, warnings);

  // Crystal size and oversampling.
  let { Na, Nb, Nc } = o;
  if (o.sampleX > 0) Na = Math.ceil(o.sampleX / magnitude(a));
  if (o.sampleY > 0) Nb = Math.ceil(o.sampleY / magnitude(b));
  if (o.sampleZ > 0) Nc = Math.ceil(o.sampleZ / magnitude(c));
  if (Na <= 1.0) Na = 1.0;
  if (Nb <= 1.0) Nb = 1.0;
  if (Nc <= 1.0) Nc = 1.0;
  const xa = magnitude(a) * Na, xb = magnitude(b) * Nb, xc = magnitude(c) * Nc;
  let xmax = xa;
  if (xmax < xb) xmax = xb;
  if (xmax < xc) xmax = xc;
  const rps = o.lambda0 * distance / o.pixel;
  let recommended = Math.ceil(3.0 * xmax / rps);
  if (!(recommended > 0)) recommended = 1;
  let oversample = o.oversample;
  const autoOversample = oversample <= 0;
  if (autoOversample) oversample = recommended;
  if (oversample > 64) throw new EmbeddedFlagError(`-oversample ${oversample}${autoOversample ? ' (auto-selected from the crystal size)' : ''} is too large for the embedded engine (limit 64); pass a smaller -oversample`);

  // Structure factors.
  let hkl: HklGrid | undefined;
  if (o.hklFile) hkl = readHkl(readInput('-hkl', o.hklFile, opts.cwd), o.defaultF, `-hkl ${o.hklFile}`);
  const hkls = hkl ? hkl.count : 0;
  if (hkls === 0) interpolate = 0;

  // Mask.
  let mask: Uint8Array | undefined;
  if (opts.mask) {
    if (opts.mask.data.length < fpixels * spixels) throw new EmbeddedFlagError(`-mask ${opts.mask.file}: ${opts.mask.data.length} pixels, but the detector has ${fpixels}x${spixels}; do not override its size with -detpixels/-detsize/-pixel`);
    mask = new Uint8Array(fpixels * spixels);
    for (let i = 0; i < mask.length; i++) mask[i] = opts.mask.data[i] === 0 ? 0 : 1;
  }

  // Sources.
  let sources: SourceRecord[];
  let divsteps = 0;
  if (o.sourceFile) {
    const text = readInput('-sourcefile', o.sourceFile, opts.cwd);
    const recs = forks.sourceParser === 'clean' ? readSourceFileClean(text) : readSourceFileC(text);
    if (recs.length === 0) throw new EmbeddedFlagError(`-sourcefile ${o.sourceFile}: no source lines found`);
    sources = applySourceDefaults(recs, beam, o.lambda0);
    if (forks.sourceLambda === 'ignore') sources = sources.map((s) => ({ ...s, lambda: o.lambda0 }));
    // C still resolves and prints the divergence grid, but never uses it.
    divsteps = generateSources({ hdivrange, hdivstep, hdivsteps, vdivrange, vdivstep, vdivsteps, dispersion, dispstep, dispsteps, roundDiv: o.roundDiv }, beam, polarAxis, vert, o.lambda0).divsteps;
  } else {
    const g = generateSources({ hdivrange, hdivstep, hdivsteps, vdivrange, vdivstep, vdivsteps, dispersion, dispstep, dispsteps, roundDiv: o.roundDiv }, beam, polarAxis, vert, o.lambda0);
    sources = g.sources; divsteps = g.divsteps;
  }
  if (sources.length === 0) throw new EmbeddedFlagError('no sources: the divergence grid was trimmed to nothing (try -square_div)');
  const src: number[] = [];
  const srcLambda: number[] = [];
  for (const s of sources) {
    const u = unitize([s.x, s.y, s.z]);
    src.push(u[0], u[1], u[2]);
    srcLambda.push(s.lambda);
  }

  // φ steps and mosaic domains → precomputed crystal vectors per (rotation state, domain).
  const phiNonzero: boolean[] = [];
  const rotStates: V3[][] = [[a, b, c]];
  for (let t = 0; t < phisteps; t++) {
    const phi = o.phi0 + phistep * t;
    phiNonzero.push(phi !== 0.0);
    rotStates.push(phi !== 0.0 ? [rotateAxis(a, spindle, phi), rotateAxis(b, spindle, phi), rotateAxis(c, spindle, phi)] : [a, b, c]);
  }
  const mosaic = mosaicSpread > 0.0;
  const umats = mosaicUmats(mosaicSpread, mosaicDomains, o.mosaicSeed, ranTable);
  const latt: number[] = [];
  for (const [ap, bp, cp] of rotStates) {
    for (let m = 0; m < mosaicDomains; m++) {
      const va = mosaic ? rotateUmat(ap!, umats, 9 * m) : ap!;
      const vb = mosaic ? rotateUmat(bp!, umats, 9 * m) : bp!;
      const vc = mosaic ? rotateUmat(cp!, umats, 9 * m) : cp!;
      latt.push(...va, ...vb, ...vc);
    }
  }

  const steps = sources.length * mosaicDomains * phisteps * oversample * oversample;
  const Ibg = 2.57 * 2.57 * R_E_SQR * fluence * o.waterSize * o.waterSize * o.waterSize * 1e6 * AVOGADRO / 18.0;

  const config: SimConfig = {
    fpixels, spixels, pixel: o.pixel, subpixel: o.pixel / oversample,
    oversample, oversampleThick: o.oversampleThick, oversamplePolar: o.oversamplePolar, oversampleOmega: o.oversampleOmega,
    roi, mask, fdet, sdet, odet, pix0, beam, polarAxis,
    closeDistance, distance, curved: o.curved, pointPixel: o.pointPixel,
    thicksteps, thickstep, detectorThick: thick, detectorMu: mu,
    src, srcLambda, nSources: sources.length,
    phisteps, phiNonzero, mosaicDomains, mosaic, latt,
    aStar, bStar, cStar, Na, Nb, Nc, shape: o.shape, fudge: o.fudge,
    defaultF: o.defaultF, hkl, interpolate: interpolate > 0, interpUntilPixel: Infinity, interpUntilEval: Infinity,
    dmin: o.dmin, kahn: o.polarization, nopolar: o.nopolar,
    scale: R_E_SQR * fluence, steps, Ibg, waterSize: o.waterSize,
    forks, ompBlockStarts: ompBlockStarts(spixels, opts.ompThreads),
  };
  const info: SetupInfo = {
    convention: o.convention, pivot, pix0, fdet, sdet, odet,
    sourcesPrinted: sources, divsteps, dispsteps, dispersion,
    hdivrange, hdivstep, vdivrange, vdivstep,
    phi0: o.phi0, osc, phistep, lambda0: o.lambda0, fluence, detsizeF, detsizeS,
    Xbeam, Ybeam, Fbeam, Sbeam, Fclose, Sclose, cellA, volume: Vcell,
    xtalSizeM: [xa, xb, xc], recommendedOversample: recommended, autoOversample,
    mosaicSpread, hkls, shape: o.shape, kahn: o.polarization, nopolar: o.nopolar,
    curved: o.curved, pointPixel: o.pointPixel, detectorThick: thick, thicksteps, detectorMu: mu,
    noEffect: o.noEffect, interpolate: interpolate > 0, warnings, maskFile: o.maskFile,
  };
  return { config, info };
}
