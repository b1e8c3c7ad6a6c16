// The embedded TypeScript simulator as an engine: in-process (worker threads), same flags, same scratch discipline.
// The equivalent command line (`nb-parity simulate --preset P --fork k=v ... <flags> -floatfile OUT`) is recorded so
// commands.txt stays copy-paste reproducible.
import type { EmbeddedOptions, EngineRun, PresetName } from '../../../shared/types.ts';
import { absolutizeFlags, stripOutputFlags } from '../../cases/flags.ts';
import type { Engine, EngineRunRequest } from '../engine.ts';
import { collectImage, effectiveConfigOf } from '../engine.ts';
import { simulate, EmbeddedFlagError } from '../../simulator/index.ts';

/** Preset for a side when the case/settings do not say: the embedded engine stands in for C as reference, PyTorch as candidate. */
export function defaultPreset(side: 'reference' | 'candidate'): PresetName {
  return side === 'candidate' ? 'pytorch' : 'c';
}

export function embeddedArgv(opts: EmbeddedOptions, preset: PresetName, flags: string[], outFile: string): string[] {
  const forks = Object.entries(opts.forks ?? {}).filter(([, v]) => v !== undefined).flatMap(([k, v]) => ['--fork', `${k}=${v}`]);
  const workers = opts.workers ? ['--workers', String(opts.workers)] : [];
  return ['nb-parity', 'simulate', '--preset', preset, ...forks, ...workers, ...flags, '-floatfile', outFile];
}

export function createEmbeddedEngine(): Engine {
  return {
    id: 'embedded',
    describe: async () => 'embedded nanoBragg simulator (in-process, worker threads)',
    run: runEmbedded,
  };
}

async function runEmbedded(req: EngineRunRequest): Promise<EngineRun> {
  const opts = req.embedded ?? {};
  const preset = opts.preset ?? defaultPreset(req.side);
  const flags = absolutizeFlags(stripOutputFlags(req.caseDef.flags), req.workspace);
  const argv = embeddedArgv(opts, preset, flags, req.outFile);
  const run: EngineRun = {
    engine: 'embedded', side: req.side, fpixels: 0, spixels: 0, stdout: '', stderr: '',
    command: argv, env: {}, cwd: req.scratchDir, wallMs: 0,
    info: { preset, forks: opts.forks ?? {}, workers: opts.workers, inProcess: true },
  };
  const started = performance.now();
  // The engine's own timeout: abort the workers when the side's time is up, like a process timeout.
  const timeout = new AbortController();
  const timer = req.timeoutMs ? setTimeout(() => timeout.abort(), req.timeoutMs) : undefined;
  const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
  try {
    const r = await simulate({
      args: [...flags, '-floatfile', req.outFile], cwd: req.scratchDir, preset, forks: opts.forks, workers: opts.workers,
      signal, onProgress: req.onProgress, writeFloatfile: true,
    });
    run.wallMs = performance.now() - started;
    run.simMs = r.simMs;
    run.stdout = r.stdout;
    run.exitCode = 0;
    run.effectiveConfig = r.effectiveConfig ?? effectiveConfigOf(r.stdout, 'embedded', '', req.caseDef.flags);
    // Read back what was written, with the same size checks as for the external programs.
    Object.assign(run, await collectImage(req.outFile, req.caseDef.flags, r.stdout));
  } catch (err) {
    run.wallMs = performance.now() - started;
    if (req.signal?.aborted) run.cancelled = true;
    else if (timeout.signal.aborted) run.timedOut = true;
    else {
      run.exitCode = err instanceof EmbeddedFlagError ? 2 : 1;
      run.error = err instanceof EmbeddedFlagError ? `embedded engine: ${(err as Error).message}` : `embedded engine failed: ${(err as Error).message}`;
    }
    run.stderr = String((err as Error)?.stack ?? err);
  } finally {
    if (timer) clearTimeout(timer);
  }
  return run;
}
