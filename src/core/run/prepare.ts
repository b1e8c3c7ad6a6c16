// Step 1 of a parity run: resolve (and if needed build) the engines both sides need, and start the env.json probe.
import type { EngineId } from '../../shared/types.ts';
import type { Engine } from '../engines/engine.ts';
import { buildCBinary, createCEngine, resolveCBinary, RESTRICTED_MESSAGE, type CBinary } from '../engines/c/index.ts';
import { chooseTorchMode, createTorchEngine, probeTorch, resolvePython, torchEnv, type PythonChoice, type TorchProbe } from '../engines/torch/index.ts';
import { probeViaDaemon } from '../engines/torch/warm/daemonClient.ts';
import { createEmbeddedEngine } from '../engines/embedded/index.ts';
import { shellQuote } from '../cases/flags.ts';
import { ParityError, type ParityOptions } from '../settings.ts';

export interface PreparedEngines {
  engines: Partial<Record<EngineId, Engine>>;
  cBinary?: CBinary;
  python?: PythonChoice;
  describe: string[];
  /** Commands run before the cases (the C build), as commands.txt blocks. */
  setupCommands: string[];
}

export async function prepareEngines(opts: ParityOptions): Promise<PreparedEngines> {
  const { workspace, settings } = opts;
  const wanted = new Set<EngineId>([opts.reference, opts.candidate]);
  if ((wanted.has('c') || wanted.has('torch')) && !settings.allowPrograms) throw new ParityError(RESTRICTED_MESSAGE);
  const out: PreparedEngines = { engines: {}, describe: [], setupCommands: [] };
  if (wanted.has('c')) {
    let res = await resolveCBinary(workspace, settings.cBinary, process.env, settings.cBinarySource);
    if (!res.ok && res.buildable && settings.buildC !== false) {
      opts.onProgress?.({ message: 'building the C binary (make -C golden_suite_generator)…' });
      const built = await buildCBinary(workspace, { signal: opts.signal, onLog: opts.onLog, timeoutMs: settings.timeoutMs?.[opts.reference === 'c' ? 'reference' : 'candidate'] });
      if (!built.ok) throw new ParityError(built.message);
      opts.onLog?.(built.message);
      out.setupCommands.push(`# C binary missing: built it (${(built.wallMs / 1000).toFixed(1)} s, status 0)`, `(cd ${shellQuote(workspace)} && ${built.command.map(shellQuote).join(' ')})`);
      res = await resolveCBinary(workspace, settings.cBinary, process.env, settings.cBinarySource);
    }
    if (!res.ok) throw new ParityError(res.message);
    out.cBinary = res.binary;
    out.engines.c = createCEngine(res.binary);
    out.describe.push(await out.engines.c.describe({ workspace, settings }));
  }
  if (wanted.has('torch')) {
    out.python = resolvePython(workspace, settings.python, process.env, settings.pythonSource);
    out.engines.torch = createTorchEngine(out.python);
    out.describe.push(await out.engines.torch.describe({ workspace, settings }));
  }
  if (wanted.has('embedded')) {
    out.engines.embedded = createEmbeddedEngine();
    out.describe.push(await out.engines.embedded.describe({ workspace, settings }));
  }
  return out;
}

/** env.json facts that need a program (the torch version): gathered while the cases run. */
export function startTorchProbe(opts: ParityOptions, prepared: PreparedEngines): Promise<TorchProbe | undefined> {
  const { settings, workspace } = opts;
  if (!prepared.python || settings.probeTorch === false) return Promise.resolve(undefined);
  const { python } = prepared.python;
  const env = torchEnv(workspace, settings.extraEnv ?? {});
  // With the warm server daemon the probe (a full `import torch`) is answered from its cache per server life.
  if (settings.torchServer && chooseTorchMode(settings) === 'warm') {
    return probeViaDaemon(settings.torchServer, python, env, workspace).catch(() => probeTorch(python, workspace, env, opts.signal));
  }
  return probeTorch(python, workspace, env, opts.signal);
}

/** Run `fn` over `items` with at most `limit` in flight, started in `order` (indices), results in the items' order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>, order: readonly number[] = items.map((_, i) => i)): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < order.length) {
      const i = order[next++];
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}
