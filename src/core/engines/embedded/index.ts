// The embedded nanoBragg simulator: C flags in, C's float image out (bit-exact with the `c` preset), computed
// in worker threads. See README "## Embedded simulator" for flags, forks, presets and the stdout format.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import type { EffectiveConfig, Forks, PresetName } from '../../types.ts';
import { buildConfig, type SetupInfo, type SimConfig } from './config.ts';
import { EmbeddedFlagError, parseFlags } from './flags.ts';
import { resolveForks } from './forks.ts';
import { defaultWorkers, renderImage } from './pool.ts';
import { effectiveConfigOf, imageStats, resultLines, setupLines } from './summary.ts';

export { EmbeddedFlagError } from './flags.ts';
export { PRESETS, FORK_DOCS, FORK_NAMES, resolveForks } from './forks.ts';
export { ENGINE_VERSION } from './summary.ts';

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

export interface PreparedSimulation { config: SimConfig; info: SetupInfo; preset: PresetName; floatfile?: string; setup: string[] }

/** Parse and resolve everything (reads -mat/-hkl/-sourcefile) without rendering. Throws EmbeddedFlagError. */
export function prepareSimulation(req: Pick<SimulateRequest, 'args' | 'cwd' | 'preset' | 'forks' | 'ompThreads'>): PreparedSimulation {
  const cwd = req.cwd ?? process.cwd();
  const preset = req.preset ?? 'c';
  const forks = resolveForks(preset, req.forks);
  const raw = parseFlags(req.args);
  const { config, info } = buildConfig(raw, { cwd, forks, ompThreads: req.ompThreads ?? defaultOmpThreads() });
  const floatfile = raw.floatFile ? (isAbsolute(raw.floatFile) ? raw.floatFile : resolve(cwd, raw.floatFile)) : undefined;
  return { config, info, preset, floatfile, setup: setupLines(config, info, preset) };
}

async function writeAtomic(path: string, img: Float32Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(tmp, new Uint8Array(img.buffer, img.byteOffset, img.byteLength));
  await rename(tmp, path);
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
  const lines = [...prep.setup, ...resultLines(stats, write ? floatfile : undefined, config.fpixels * config.spixels)];
  const stdout = `${lines.join('\n')}\n`;
  return {
    image, fpixels: config.fpixels, spixels: config.spixels, stdout,
    effectiveConfig: effectiveConfigOf(config, info, preset, stats, lines.filter((l) => l.trim() !== '')),
    simMs, floatfile: write ? floatfile : undefined,
  };
}
