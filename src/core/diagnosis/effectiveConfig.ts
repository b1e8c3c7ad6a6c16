// What each simulator says it actually ran with, parsed from its stdout (and stderr when given).
// C and the embedded engine print the same lines (formats.md §2 + the engine's header); the PyTorch CLI prints
// far less and never prints N, so for PyTorch the crystal size comes from the flags (or the CLI default of 5),
// with the basis recorded in `nCellsBasis` so every later statement says how it was inferred.
import type { EffectiveConfig, EngineId } from '../../shared/types.ts';
import { DEFAULT_N, hasNFlag, lambdaAFromFlags, nCellsFromFlags } from './flags.ts';

export interface ParseOptions {
  /** The run's stderr (PyTorch prints its warnings there). */
  stderr?: string;
  /** The flags the run was given; lets us state N for PyTorch, which does not print it. */
  flags?: string[];
}

const NUM = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?nan|[-+]?inf)';

function num(s: string): number {
  const t = s.toLowerCase();
  if (t.endsWith('nan')) return NaN;
  if (t.endsWith('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

/** Drop the lines that are noise for a configuration: TRACE dumps and OpenMP "N% done" progress. */
export function configLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => !/^\s*TRACE/.test(l) && !/^\s*\d+%\s*done\s*$/.test(l));
}

function parseCLike(lines: string[], cfg: EffectiveConfig): void {
  const raw: string[] = [];
  const keep = (l: string) => raw.push(l.trim());
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m: RegExpExecArray | null;
    if ((m = /^\s*nb-parity embedded engine (\S+) preset=(\S+) forks=(\S*)/.exec(line))) {
      const forks: Record<string, string> = {};
      for (const kv of m[3].split(',').filter(Boolean)) {
        const [k, v] = kv.split('=');
        if (k) forks[k] = v ?? '';
      }
      cfg.embedded = { version: m[1], preset: m[2], forks };
      keep(line);
    } else if ((m = /^\s*(\w+) convention selected/.exec(line))) {
      cfg.convention = m[1].toLowerCase();
      keep(line);
    } else if ((m = new RegExp(`^\\s*DETECTOR_PIX0_VECTOR\\s+${NUM}\\s+${NUM}\\s+${NUM}`).exec(line))) {
      cfg.pix0 = [num(m[1]), num(m[2]), num(m[3])];
      keep(line);
    } else if ((m = new RegExp(`^\\s*Unit Cell:\\s+${NUM}\\s+${NUM}\\s+${NUM}`).exec(line))) {
      cfg.cellA = [num(m[1]), num(m[2]), num(m[3])];
      keep(line);
    } else if ((m = new RegExp(`^\\s*crystal is\\s+${NUM}\\s*x\\s*${NUM}\\s*x\\s*${NUM}\\s+microns`).exec(line))) {
      cfg.crystalSizeA = [num(m[1]) * 1e4, num(m[2]) * 1e4, num(m[3]) * 1e4];
      keep(line);
    } else if ((m = /^\s*created a total of (\d+) sources:?/.exec(line))) {
      const n = Number(m[1]);
      cfg.nSources = n;
      keep(line);
      const sources: NonNullable<EffectiveConfig['sources']> = [];
      const row = new RegExp(`^\\s*${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s*$`, 'i');
      let j = i + 1;
      for (; j < lines.length && sources.length < n; j++) {
        const r = row.exec(lines[j]);
        if (!r) break;
        sources.push({ x: num(r[1]), y: num(r[2]), z: num(r[3]), weight: num(r[4]), lambda: num(r[5]) });
        keep(lines[j]);
      }
      if (sources.length) cfg.sources = sources;
      i = j - 1;
    } else if ((m = /^\s*created a total of (\d+) mosaic domains/.exec(line))) {
      cfg.mosaicDomains = Number(m[1]);
      keep(line);
    } else if ((m = /xtal:\s*(\d+)x(\d+)x(\d+) cells/.exec(line))) {
      cfg.nCells = [Number(m[1]), Number(m[2]), Number(m[3])];
      cfg.nCellsBasis = 'printed by the simulator';
      keep(line);
    } else if ((m = new RegExp(`^\\s*wave=${NUM} meters \\+/- ${NUM}% in (\\d+) steps`).exec(line))) {
      cfg.lambdaA = num(m[1]) * 1e10;
      cfg.dispersionSteps = Number(m[3]);
      keep(line);
    } else if ((m = new RegExp(`^\\s*lambda0 = ${NUM}`).exec(line)) && cfg.lambdaA === undefined) {
      cfg.lambdaA = num(m[1]) * 1e10;
    } else if ((m = new RegExp(`Kahn polarization factor:\\s*${NUM}`).exec(line))) {
      cfg.polarizationFactor = num(m[1]);
      keep(line);
    } else if ((m = new RegExp(`incident fluence:\\s*${NUM}`).exec(line))) {
      cfg.fluence = num(m[1]);
      keep(line);
    } else if ((m = new RegExp(`distance=${NUM} detsize=${NUM}x${NUM}\\s+pixel=${NUM} meters \\((\\d+)x(\\d+) pixels\\)`).exec(line))) {
      cfg.detector = { fpixels: Number(m[5]), spixels: Number(m[6]), pixelM: num(m[4]), distanceM: num(m[1]) };
      keep(line);
    } else if ((m = /^\s*(-?\d+) divergence steps/.exec(line))) {
      // C leaves the count at -1 when the sources come from -sourcefile (no divergence grid is sampled), where the
      // embedded engine prints 1: both mean "no grid", which is not a step count, so it stays undefined.
      const steps = Number(m[1]);
      if (steps > 0) cfg.divergenceSteps = steps;
      keep(line);
    } else if ((m = new RegExp(`^\\s*(\\d+) phi steps from ${NUM} to ${NUM} degrees`).exec(line))) {
      cfg.phiSteps = Number(m[1]);
      keep(line);
    } else if ((m = /^\s*(\d+)x(\d+) pixel oversample steps/.exec(line))) {
      cfg.oversample = Number(m[1]);
      keep(line);
    } else if (/reading Fs from Fdump\.bin/.test(line)) {
      cfg.readsFdump = true;
      keep(line);
    } else if ((m = new RegExp(`^\\s*max_I\\s*=\\s*${NUM}`).exec(line))) {
      cfg.maxIntensity = num(m[1]);
      keep(line);
    } else if ((m = new RegExp(`^\\s*mean=\\s*${NUM}`).exec(line))) {
      cfg.meanIntensity = num(m[1]);
      keep(line);
    } else if (/^\s*(WARNING|warning|error)\b/.test(line)) {
      (cfg.warnings ??= []).push(line.trim());
    }
  }
  if (cfg.sources) cfg.sourceLambdaPolicy = 'file';
  if (raw.length) cfg.raw = raw;
}

function parseTorch(lines: string[], cfg: EffectiveConfig): void {
  const raw: string[] = [];
  let hSteps: number | undefined;
  let vSteps: number | undefined;
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^\s*Loaded (\d+) sources? from\s*(.*)$/.exec(line))) {
      cfg.nSources = Number(m[1]);
      raw.push(line.trim());
    } else if ((m = /^\s*Generated (\d+) sources? from/.exec(line))) {
      cfg.nSources = Number(m[1]);
      raw.push(line.trim());
    } else if ((m = /^\s*H divergence:\s*(\d+) steps/.exec(line))) {
      hSteps = Number(m[1]);
      raw.push(line.trim());
    } else if ((m = /^\s*V divergence:\s*(\d+) steps/.exec(line))) {
      vSteps = Number(m[1]);
      raw.push(line.trim());
    } else if ((m = /^\s*Dispersion:\s*(\d+) steps/.exec(line))) {
      cfg.dispersionSteps = Number(m[1]);
      raw.push(line.trim());
    } else if ((m = /^\s*Detector:\s*(\d+)x(\d+) pixels/.exec(line))) {
      cfg.detector = { fpixels: Number(m[1]), spixels: Number(m[2]) };
      raw.push(line.trim());
    } else if ((m = new RegExp(`^\\s*Crystal:\\s*${NUM}x${NUM}x${NUM}\\s*Å`).exec(line))) {
      // The PyTorch CLI prints the unit cell here, not N×cell: "26.8x31.3x33.7 Å" is the same for N=1 and N=5.
      cfg.cellA = [num(m[1]), num(m[2]), num(m[3])];
      raw.push(line.trim());
    } else if ((m = new RegExp(`^\\s*Wavelength:\\s*${NUM}\\s*Å`).exec(line))) {
      cfg.lambdaA ??= num(m[1]);
      raw.push(line.trim());
    } else if ((m = new RegExp(`^\\s*Max intensity:\\s*${NUM}`).exec(line))) {
      cfg.maxIntensity = num(m[1]);
      raw.push(line.trim());
    } else if ((m = new RegExp(`^\\s*Mean:\\s*${NUM}`).exec(line))) {
      cfg.meanIntensity = num(m[1]);
      raw.push(line.trim());
    } else if (/Fdump\.bin/.test(line) && /(read|load)/i.test(line)) {
      cfg.readsFdump = true;
      raw.push(line.trim());
    } else if ((m = /Sourcefile wavelength column differs from CLI -lambda.*?CLI wavelength\s+([-+0-9.eE]+)\s*m/.exec(line))) {
      cfg.sourceLambdaPolicy = 'cli';
      cfg.lambdaA = Number(m[1]) * 1e10;
      (cfg.warnings ??= []).push(line.replace(/^.*?UserWarning:\s*/, '').trim());
    } else if (/Sourcefile wavelength column differs/.test(line)) {
      cfg.sourceLambdaPolicy = 'cli';
      (cfg.warnings ??= []).push(line.replace(/^.*?UserWarning:\s*/, '').trim());
    } else if (/\b(UserWarning|RuntimeWarning|Warning):/.test(line)) {
      (cfg.warnings ??= []).push(line.replace(/^.*?Warning:\s*/, '').trim());
    }
  }
  if (hSteps !== undefined || vSteps !== undefined) cfg.divergenceSteps = (hSteps ?? 1) * (vSteps ?? 1);
  if (raw.length) cfg.raw = raw;
}

/**
 * Parse a run's stdout (plus optional stderr and flags) into its effective configuration.
 * Unknown lines are ignored; fields the simulator did not print stay undefined (never guessed), except
 * PyTorch's N which is stated from the flags with `nCellsBasis` saying so.
 */
export function parseEffectiveConfig(stdout: string, engine: EngineId, opts: ParseOptions = {}): EffectiveConfig {
  const cfg: EffectiveConfig = {};
  const lines = configLines(opts.stderr ? `${stdout}\n${opts.stderr}` : stdout);
  if (engine === 'torch') parseTorch(lines, cfg);
  else parseCLike(lines, cfg);

  const flags = opts.flags;
  if (flags && !cfg.nCells) {
    const dflt = engine === 'embedded' ? (cfg.embedded?.forks.defaultN ? Number(cfg.embedded.forks.defaultN) : 1) : DEFAULT_N[engine];
    if (dflt !== undefined) {
      cfg.nCells = nCellsFromFlags(flags, dflt);
      const n = cfg.nCells.join('×');
      cfg.nCellsBasis = hasNFlag(flags)
        ? `from the -N flags (${n}); the ${engine === 'torch' ? 'PyTorch CLI' : engine} does not print N`
        : `-N absent: ${engine === 'torch' ? 'PyTorch CLI' : engine === 'c' ? 'C' : 'engine'} default N=${dflt} (not printed; inferred from the flags)`;
    }
  }
  if (flags && engine === 'torch' && cfg.lambdaA === undefined) cfg.lambdaA = lambdaAFromFlags(flags);
  if (flags && engine === 'torch' && cfg.sourceLambdaPolicy === undefined && flags.includes('-sourcefile') && opts.stderr !== undefined) {
    // Without the warning the file's λ column equals -lambda (or is absent), so the policy makes no difference.
    cfg.sourceLambdaPolicy = 'cli';
  }
  return cfg;
}
