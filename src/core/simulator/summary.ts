// The engine's stdout: the same lines, wording and number formats as the C binary's summary
// (formats.md §2), preceded by one header line naming engine version, preset and forks.
import type { EffectiveConfig, PresetName } from '../../shared/types.ts';
import type { SetupInfo, SimConfig } from './config.ts';
import { fmtF, fmtG } from './cformat.ts';
import { formatForks } from './forks.ts';

export const ENGINE_VERSION = '1.0.0';
const RTD = 180.0 * (1 / Math.PI);

export interface ImageStats { maxI: number; maxX: number; maxY: number; mean: number; rms: number; rmsd: number }

/** C's statistics over the ROI: max (first strict maximum), mean, rms, rmsd. */
export function imageStats(cfg: SimConfig, img: Float32Array): ImageStats {
  const [x0, x1, y0, y1] = cfg.roi;
  let maxI = 0.0, maxX = 0, maxY = 0, sum = 0, sumsqr = 0, n = 0;
  const os = cfg.oversample, sub = cfg.subpixel;
  for (let s = 0; s < cfg.spixels; s++) {
    if (s < y0 || s > y1) continue;
    for (let f = 0; f < cfg.fpixels; f++) {
      if (f < x0 || f > x1) continue;
      if (cfg.mask && cfg.mask[s * cfg.fpixels + f] === 0) continue;
      const v = img[s * cfg.fpixels + f]!;
      if (v > maxI) {
        maxI = v;
        // C reports the last subpixel's detector coordinates.
        maxX = sub * (f * os + os - 1) + sub / 2.0;
        maxY = sub * (s * os + os - 1) + sub / 2.0;
      }
      sum += v;
      sumsqr += Math.fround(v * v);
      n++;
    }
  }
  const mean = sum / (n <= 0 ? 1 : n);
  const m = n <= 1 ? 2 : n;
  const rms = Math.sqrt(sumsqr / (m - 1));
  // C's second pass counts every ROI pixel, masked ones included.
  let dev = 0, n2 = 0;
  for (let s = 0; s < cfg.spixels; s++) {
    if (s < y0 || s > y1) continue;
    for (let f = 0; f < cfg.fpixels; f++) {
      if (f < x0 || f > x1) continue;
      const t = img[s * cfg.fpixels + f]! - mean;
      dev += t * t;
      n2++;
    }
  }
  if (n2 <= 1) n2 = 2;
  return { maxI, maxX, maxY, mean, rms, rmsd: Math.sqrt(dev / (n2 - 1)) };
}

const SHAPE_WORD = { SQUARE: 'parallelpiped', ROUND: 'ellipsoidal', GAUSS: 'gaussian', TOPHAT: 'tophat-spot' } as const;

/** Setup lines (everything C prints before rendering). */
export function setupLines(cfg: SimConfig, info: SetupInfo, preset: PresetName): string[] {
  const L: string[] = [];
  const v3 = (v: number[], p?: number): string => v.map((x) => fmtG(x, p)).join(' ');
  L.push(`nb-parity embedded engine ${ENGINE_VERSION} preset=${preset} forks=${formatForks(cfg.forks)}`);
  for (const w of info.warnings) L.push(w);
  L.push(`${info.convention.toLowerCase()} convention selected.`);
  L.push(`DETECTOR_FAST_AXIS ${v3(info.fdet, 15)}`);
  L.push(`DETECTOR_SLOW_AXIS ${v3(info.sdet, 15)}`);
  L.push(`DETECTOR_NORMAL_AXIS ${v3(info.odet, 15)}`);
  L.push(info.pivot === 'BEAM' ? 'pivoting detector around direct beam spot' : 'pivoting detector around sample');
  L.push(`DETECTOR_PIX0_VECTOR ${v3(info.pix0, 15)}`);
  const [a, b, c, al, be, ga] = info.cellA;
  L.push(`Unit Cell: ${fmtG(a)} ${fmtG(b)} ${fmtG(c)} ${fmtG(al)} ${fmtG(be)} ${fmtG(ga)}`);
  L.push(`volume = ${fmtG(info.volume)} A^3`);
  L.push(`crystal is ${fmtG(info.xtalSizeM[0] * 1e6)} x ${fmtG(info.xtalSizeM[1] * 1e6)} x ${fmtG(info.xtalSizeM[2] * 1e6)} microns`);
  if (info.autoOversample) L.push(`auto-selected ${cfg.oversample}-fold oversampling`);
  if (cfg.oversample < info.recommendedOversample) L.push(`WARNING: recommend -oversample ${info.recommendedOversample} (crystal larger than the reciprocal pixel size)`);
  L.push(`  created a total of ${cfg.nSources} sources:`);
  for (const s of info.sourcesPrinted) L.push(`${fmtG(s.x)} ${fmtG(s.y)} ${fmtG(s.z)}   ${fmtG(s.weight)} ${fmtG(s.lambda)}`);
  L.push(`  created a total of ${cfg.mosaicDomains} mosaic domains`);
  L.push(`  ${info.hkls} initialized hkls (all others =${fmtG(cfg.defaultF)})`);
  L.push(`  ${SHAPE_WORD[cfg.shape]} xtal: ${fmtF(cfg.Na, 0)}x${fmtF(cfg.Nb, 0)}x${fmtF(cfg.Nc, 0)} cells`);
  L.push(`  wave=${fmtG(info.lambda0)} meters +/- ${fmtG(info.dispersion * 100)}% in ${info.dispsteps} steps`);
  L.push(info.nopolar ? '  polarization effect disabled' : `  Kahn polarization factor: ${fmtF(info.kahn)}`);
  if (info.curved) L.push('  curved detector: all pixels same distance from origin');
  if (info.pointPixel) L.push('  pixel obliquity effect disabled');
  L.push(`  incident fluence: ${fmtG(info.fluence)} photons/m^2`);
  L.push(`  distance=${fmtG(cfg.distance)} detsize=${fmtG(info.detsizeF)}x${fmtG(info.detsizeS)}  pixel=${fmtG(cfg.pixel)} meters (${cfg.fpixels}x${cfg.spixels} pixels)`);
  L.push(`  sensor is ${fmtG(info.detectorThick)} m thick in ${info.thicksteps} layers with mu= ${fmtG(info.detectorMu)}`);
  L.push(`  Xbeam=${fmtG(info.Xbeam)} Ybeam=${fmtG(info.Ybeam)}`);
  L.push(`  Fbeam=${fmtG(info.Fbeam)} Sbeam=${fmtG(info.Sbeam)}`);
  L.push(`  Fclose=${fmtG(info.Fclose)} Sclose=${fmtG(info.Sclose)}`);
  L.push(`  roi: ${cfg.roi[0]} < x < ${cfg.roi[1]} && ${cfg.roi[2]} < y < ${cfg.roi[3]}`);
  L.push(`  hdivrange=${fmtG(info.hdivrange)} hdivstep=${fmtG(info.hdivstep)}  radians`);
  L.push(`  vdivrange=${fmtG(info.vdivrange)} vdivstep=${fmtG(info.vdivstep)}  radians`);
  L.push(`  ${info.divsteps} divergence steps`);
  L.push(`  ${cfg.nSources} sources`);
  L.push(`  ${cfg.mosaicDomains} mosaic domains over mosaic spread of ${fmtG(info.mosaicSpread * RTD)} degrees`);
  L.push(`  ${cfg.phisteps} phi steps from ${fmtG(info.phi0 * RTD)} to ${fmtG((info.phi0 + info.osc) * RTD)} degrees`);
  const extra = `${cfg.oversampleThick ? ' +thick' : ''}${cfg.oversamplePolar ? ' +polar' : ''}${cfg.oversampleOmega ? ' +omega' : ''}`;
  L.push(`  ${cfg.oversample}x${cfg.oversample} pixel oversample steps${extra}`);
  if (info.maskFile) L.push(`  skipping zero-flagged pixels in ${info.maskFile}`);
  if (info.noEffect.length) L.push(`  accepted without effect on the float image: ${info.noEffect.join(' ')}`);
  return L;
}

export function resultLines(stats: ImageStats, floatfile: string | undefined, pixels: number): string[] {
  const L: string[] = [''];
  if (floatfile) L.push(`writing ${floatfile} as ${pixels} 4-byte floats`);
  L.push(`max_I = ${fmtG(stats.maxI)}  at ${fmtG(stats.maxX)} ${fmtG(stats.maxY)}`);
  L.push(`mean= ${fmtG(stats.mean)} rms= ${fmtG(stats.rms)} rmsd= ${fmtG(stats.rmsd)}`);
  return L;
}

/** EffectiveConfig straight from the resolved config (the same facts the summary lines print). */
export function effectiveConfigOf(cfg: SimConfig, info: SetupInfo, preset: PresetName, stats: ImageStats | undefined, raw: string[]): EffectiveConfig {
  return {
    convention: info.convention.toLowerCase(),
    pix0: [...info.pix0],
    nCells: [cfg.Na, cfg.Nb, cfg.Nc],
    nCellsBasis: 'printed by the simulator',
    sources: info.sourcesPrinted.map((s) => ({ ...s })),
    nSources: cfg.nSources,
    lambdaA: info.lambda0 * 1e10,
    divergenceSteps: info.divsteps,
    dispersionSteps: info.dispsteps,
    phiSteps: cfg.phisteps,
    mosaicDomains: cfg.mosaicDomains,
    oversample: cfg.oversample,
    polarizationFactor: info.kahn,
    fluence: info.fluence,
    detector: { fpixels: cfg.fpixels, spixels: cfg.spixels, pixelM: cfg.pixel, distanceM: cfg.distance },
    readsFdump: false,
    crystalSizeA: [info.xtalSizeM[0] * 1e10, info.xtalSizeM[1] * 1e10, info.xtalSizeM[2] * 1e10],
    cellA: [info.cellA[0], info.cellA[1], info.cellA[2]],
    sourceLambdaPolicy: cfg.forks.sourceLambda === 'ignore' ? 'cli' : 'file',
    maxIntensity: stats?.maxI,
    meanIntensity: stats?.mean,
    embedded: { version: ENGINE_VERSION, preset, forks: { ...cfg.forks } },
    warnings: info.warnings.length ? [...info.warnings] : undefined,
    raw,
  };
}
