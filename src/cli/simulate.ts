// `nb-parity simulate <nanoBragg flags> [-floatfile OUT.bin] [--workers N] [--preset c|pytorch] [--fork NAME=VALUE ...]`
// Behaves like the C binary for scripts: same flags, a float file, the summary on stdout, exit 0 on success,
// 2 with a message on bad input, 1 on other failures, 130 when interrupted.
import type { Forks, PresetName } from '../shared/types.ts';
import { EmbeddedFlagError, FORK_DOCS, PRESETS, simulate } from '../core/simulator/index.ts';
import { knownFlags } from '../core/simulator/flags.ts';

const HELP = `usage: nb-parity simulate <nanoBragg flags> [-floatfile OUT.bin] [options]

Runs the embedded nanoBragg simulator (TypeScript, worker threads) with the C binary's flags and writes
the raw float32 image (little-endian, slow index outer). Without -floatfile it writes floatimage.bin in the
current folder, as C does. It never reads or writes Fdump.bin, intimage.img, image.pgm or noise images.
With -trace_pixel S F (slow first) it prints C's TRACE_C pixel block for that pixel on stdout: the values the
engine computed, under C's names and in C's %.15g format, with the preset/forks applied.

options (double dash, so they cannot clash with nanoBragg flags):
  --workers N          compute threads (default min(4, cores); 1 or 0 = compute in the main thread)
  --preset c|pytorch   semantic preset (default c: bit-exact with the C binary)
  --fork NAME=VALUE    override one semantic fork (repeatable); see below
  --omp-threads N      OpenMP threads of the C run being mirrored (φ=0 carry-over only; default
                       OMP_NUM_THREADS or the number of cores)
  --quiet              print only errors
  --progress           print "N% done" lines on stderr even when it is not a terminal (for scripts)
  --help

forks (C value first):
${Object.entries(FORK_DOCS).map(([k, d]) => `  ${k.padEnd(14)} ${d.values.join(' | ')}`).join('\n')}
presets:
${Object.entries(PRESETS).map(([k, f]) => `  ${k.padEnd(8)} ${Object.entries(f).map(([a, b]) => `${a}=${b}`).join(',')}`).join('\n')}

nanoBragg flags accepted:
  ${knownFlags().join(' ')}`;

interface CliOptions { flags: string[]; workers?: number; preset?: PresetName; forks: Forks; ompThreads?: number; quiet: boolean; progress: boolean; help: boolean }

function intOption(name: string, v: string | undefined, min: number): number {
  const n = v === undefined ? NaN : Number(v);
  if (!Number.isInteger(n) || n < min) throw new EmbeddedFlagError(`${name}: expected an integer ≥ ${min}, got "${v ?? ''}"`);
  return n;
}

export function parseSimulateArgs(argv: string[]): CliOptions {
  const o: CliOptions = { flags: [], forks: {}, quiet: false, progress: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.startsWith('--') && a.includes('=') && !a.startsWith('--fork=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (name === '--help' || name === '-h' || name === '-help') o.help = true;
    else if (name === '--quiet') o.quiet = true;
    else if (name === '--progress') o.progress = true;
    else if (name === '--workers') o.workers = intOption('--workers', value(), 0);
    else if (name === '--omp-threads') o.ompThreads = intOption('--omp-threads', value(), 1);
    else if (name === '--preset') {
      const p = value();
      if (p !== 'c' && p !== 'pytorch') throw new EmbeddedFlagError(`--preset: expected c or pytorch, got "${p ?? ''}"`);
      o.preset = p;
    } else if (name === '--fork' || a.startsWith('--fork=')) {
      const kv = a.startsWith('--fork=') ? a.slice('--fork='.length) : argv[++i];
      const eq = kv?.indexOf('=') ?? -1;
      if (!kv || eq <= 0) throw new EmbeddedFlagError(`--fork: expected NAME=VALUE, got "${kv ?? ''}"`);
      (o.forks as Record<string, string>)[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (a.startsWith('--')) throw new EmbeddedFlagError(`${a}: unknown option (nanoBragg flags take one dash; see --help)`);
    else o.flags.push(a);
  }
  return o;
}

export async function simulateCommand(argv: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseSimulateArgs(argv);
  } catch (err) {
    console.error(`nb-parity simulate: ${(err as Error).message}`);
    return 2;
  }
  if (opts.help) {
    console.log(HELP);
    return 0;
  }
  const flags = [...opts.flags];
  if (!flags.includes('-floatfile') && !flags.includes('-floatimage')) flags.push('-floatfile', 'floatimage.bin');
  // One compute thread: render in this thread (saves the worker start-up). Ctrl-C then ends the process at once
  // through the default signal action; nothing is written because the float file is written only at the end.
  const inThread = opts.workers === 1;
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  if (!inThread) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('SIGHUP', onSignal);
  }
  let lastPct = -1;
  try {
    const r = await simulate({
      args: flags, cwd: process.cwd(), preset: opts.preset, forks: opts.forks, workers: inThread ? 0 : opts.workers, ompThreads: opts.ompThreads,
      signal: controller.signal,
      onProgress: (process.stderr.isTTY || opts.progress) && !opts.quiet ? (f) => {
        const pct = Math.floor(f * 100);
        // A terminal gets one line rewritten in place; a pipe gets one line per step.
        if (pct !== lastPct) { lastPct = pct; process.stderr.write(process.stderr.isTTY ? `\r${pct}% done` : `${pct}% done\n`); }
      } : undefined,
    });
    if (lastPct >= 0 && process.stderr.isTTY) process.stderr.write('\n');
    if (!opts.quiet) process.stdout.write(r.stdout);
    return 0;
  } catch (err) {
    if (lastPct >= 0 && process.stderr.isTTY) process.stderr.write('\n');
    if ((err as Error).name === 'AbortError') {
      console.error('nb-parity simulate: interrupted; no float file written');
      return 130;
    }
    const bad = err instanceof EmbeddedFlagError;
    console.error(`nb-parity simulate: ${bad ? '' : 'failed: '}${(err as Error).message}`);
    return bad ? 2 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
