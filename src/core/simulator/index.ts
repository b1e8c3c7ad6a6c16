// The embedded nanoBragg simulator: C flags in, C's float image out (bit-exact with the `c` preset), computed
// in worker threads. See docs/simulator.md for flags, forks, presets and the stdout format.
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import type { EffectiveConfig, Forks, PresetName } from '../../shared/types.ts';
import { buildConfig, type SetupInfo, type SimConfig } from './config.ts';
import { EmbeddedFlagError, defaultRawOptions, parseFlags, type RawOptions } from './flags.ts';
import { readSmv, smvValue, type SmvFrame } from './smv.ts';
import { resolveForks } from './forks.ts';
import { defaultWorkers, renderImage } from './pool.ts';
import { tracePixelOf, withInterpStop, type EmbeddedTrace, type PixelRef } from './pixelTrace.ts';
import { effectiveConfigOf, imageStats, resultLines, setupLines } from './summary.ts';

export { EmbeddedFlagError } from './flags.ts';
export { PRESETS, FORK_DOCS, FORK_NAMES, resolveForks } from './forks.ts';
export { ENGINE_VERSION } from './summary.ts';
export type { EmbeddedTrace, PixelRef } from './pixelTrace.ts';

export interface SimulateRequest {
  args: string[];
  cwd?: string;
  preset?: PresetName;
  forks?: Forks;
  /** Worker threads (default min(4, cores)); 0 computes in the calling thread. */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Default true: write -floatfile when the flags name one. */
  writeFloatfile?: boolean;
  /**
   * OpenMP thread count of the C run being mirrored (only matters for the φ=0 carry-over fork `c`):
   * default OMP_NUM_THREADS, else the number of cores, as C would pick. The c-goldens were made with 2.
   */
  ompThreads?: number;
}

export interface SimulateResult {
  image: Float32Array;
  fpixels: number;
  spixels: number;
  stdout: string;
  effectiveConfig: EffectiveConfig;
  simMs: number;
  floatfile?: string;
}

export function defaultOmpThreads(): number {
  const env = Number.parseInt(process.env.OMP_NUM_THREADS ?? '', 10);
  return env > 0 ? env : availableParallelism();
}

export interface PreparedSimulation { config: SimConfig; info: SetupInfo; preset: PresetName; floatfile?: string; setup: string[]; tracePixel?: PixelRef }

/** Parse and resolve everything (reads -mat/-hkl/-sourcefile) without rendering. Throws EmbeddedFlagError. */
export function prepareSimulation(req: Pick<SimulateRequest, 'args' | 'cwd' | 'preset' | 'forks' | 'ompThreads'>): PreparedSimulation {
  const cwd = req.cwd ?? process.cwd();
  const preset = req.preset ?? 'c';
  const forks = resolveForks(preset, req.forks);
  let raw = parseFlags(req.args);
  let mask: SmvFrame | undefined;
  if (raw.imgFile || raw.maskFile) {
    // C reads these headers before its flag loop: they set defaults that the other flags then override.
    const base = defaultRawOptions();
    if (raw.maskFile) { mask = readSmv('-mask', resolve(cwd, raw.maskFile)); applySmvHeader(base, mask, true); }
    if (raw.imgFile) applySmvHeader(base, readSmv('-img', resolve(cwd, raw.imgFile)), false);
    raw = parseFlags(req.args, base);
  }
  const { config, info } = buildConfig(raw, { cwd, forks, ompThreads: req.ompThreads ?? defaultOmpThreads(), mask });
  const floatfile = raw.floatFile ? (isAbsolute(raw.floatFile) ? raw.floatFile : resolve(cwd, raw.floatFile)) : undefined;
  return { config, info, preset, floatfile, setup: setupLines(config, info, preset), tracePixel: raw.tracePixel };
}

const RTD = 180.0 * (1 / Math.PI);

/** C's header defaults from an SMV frame (-mask flips BEAM_CENTER_Y, -img does not). */
/** C prints the TRACE_CONFIG line for any pixel, the block only for one it computes (inside the detector, roi, mask). */
function traceLines(config: SimConfig, info: SetupInfo, p: PixelRef): string[] {
  if (p.slow < 0 || p.fast < 0 || p.slow >= config.spixels || p.fast >= config.fpixels) return [`TRACE_CONFIG: tracing pixel (spixel=${p.slow}, fpixel=${p.fast})`];
  return tracePixelOf(withInterpStop(config), info, p).lines;
}

/**
 * Trace one pixel (slow, fast) of a case given by its C flags, with a preset and fork overrides applied: C's
 * TRACE_C pixel block as the kernel computes it, and the pixel's float32 value (the same kernel code as the
 * image). Renders only the pixel's row (plus C's interpolation scan when an HKL grid interpolates).
 */
export function traceEmbedded(req: Pick<SimulateRequest, 'args' | 'cwd' | 'preset' | 'forks' | 'ompThreads'>, pixel?: PixelRef): EmbeddedTrace {
  const prep = prepareSimulation(req);
  const p = pixel ?? prep.tracePixel;
  if (!p) throw new EmbeddedFlagError('traceEmbedded: no pixel (give one, or -trace_pixel S F in the flags)');
  return tracePixelOf(withInterpStop(prep.config), prep.info, p);
}

function applySmvHeader(o: RawOptions, f: SmvFrame, isMask: boolean): void {
  const v = (k: string): number => smvValue(f.header, k);
  o.fpixels = f.width;
  o.spixels = f.height;
  let t = v('PIXEL_SIZE'); if (!Number.isNaN(t)) o.pixel = t / 1000.0;
  o.detsizeF = o.pixel * o.fpixels;
  o.detsizeS = o.pixel * o.spixels;
  t = v('DISTANCE'); if (!Number.isNaN(t)) o.distance = t / 1000.0;
  t = v('CLOSE_DISTANCE'); if (!Number.isNaN(t)) o.closeDistance = t / 1000.0;
  t = v('WAVELENGTH'); if (!Number.isNaN(t)) o.lambda0 = t / 1e10;
  t = v('BEAM_CENTER_X'); if (!Number.isNaN(t)) o.Xbeam = t / 1000.0;
  t = v('BEAM_CENTER_Y'); if (!Number.isNaN(t)) o.Ybeam = isMask ? o.detsizeS - t / 1000.0 : t / 1000.0;
  t = v('ORGX'); if (!Number.isNaN(t)) o.ORGX = t;
  t = v('ORGY'); if (!Number.isNaN(t)) o.ORGY = t;
  t = v('PHI'); if (!Number.isNaN(t)) o.phi0 = t / RTD;
  t = v('OSC_RANGE'); if (!Number.isNaN(t)) o.osc = t / RTD;
  // C also reads TWOTHETA here, into a variable that never reaches the detector: no effect.
}

/** Like C's fopen(floatfile, "wb"): a missing folder or a folder in the way is an error, and nothing is left behind. */
async function writeAtomic(path: string, img: Float32Array): Promise<void> {
  const cannot = (why: string): Error => new Error(`cannot open -floatfile ${path} for writing: ${why}`);
  if (!(await stat(dirname(path)).then((s) => s.isDirectory(), () => false))) throw cannot(`folder ${dirname(path)} does not exist`);
  if (await stat(path).then((s) => s.isDirectory(), () => false)) throw cannot('it is a directory');
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, new Uint8Array(img.buffer, img.byteOffset, img.byteLength));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw cannot((err as Error).message);
  }
}

export async function simulate(req: SimulateRequest): Promise<SimulateResult> {
  const prep = prepareSimulation(req);
  const { config, info, preset, floatfile } = prep;
  const workers = req.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new EmbeddedFlagError(`workers: expected an integer 0..64, got ${workers}`);
  const t0 = performance.now();
  const image = await renderImage(config, { workers, signal: req.signal, onProgress: req.onProgress });
  const simMs = performance.now() - t0;
  // C writes native-endian float32; this engine always writes little-endian (as x86/ARM C does).
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('embedded engine: big-endian hosts are not supported');
  const write = (req.writeFloatfile ?? true) && floatfile !== undefined;
  if (write) await writeAtomic(floatfile!, image);
  const stats = imageStats(config, image);
  // -trace_pixel: C prints the pixel's block during its render, between the setup and the result lines.
  const trace = prep.tracePixel ? traceLines(config, info, prep.tracePixel) : [];
  const lines = [...prep.setup, ...trace, ...resultLines(stats, write ? floatfile : undefined, config.fpixels * config.spixels)];
  const stdout = `${lines.join('\n')}\n`;
  return {
    image, fpixels: config.fpixels, spixels: config.spixels, stdout,
    effectiveConfig: effectiveConfigOf(config, info, preset, stats, lines.filter((l) => l.trim() !== '')),
    simMs, floatfile: write ? floatfile : undefined,
  };
}
