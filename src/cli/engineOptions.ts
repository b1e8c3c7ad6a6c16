// The options every engine-launching subcommand shares (run, trace): which engines, presets, timeouts, the C binary,
// Python, extra environment, where bundles go. One parser spec and one validator, so `run` and `trace` resolve
// engines and settings the same way; Ctrl+C / hang-up handling alike.
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { EngineId, PresetName } from '../shared/types.ts';
import type { RunSettings } from '../core/settings.ts';

export const ENGINES: EngineId[] = ['c', 'torch', 'embedded'];
const PRESETS: PresetName[] = ['c', 'pytorch'];
const TORCH_MODES = ['cold', 'warm', 'auto'] as const;

/** parseArgs option spec of the shared options. */
export const ENGINE_OPTION_SPEC = {
  workspace: { type: 'string', short: 'w' },
  candidate: { type: 'string' },
  reference: { type: 'string' },
  'candidate-preset': { type: 'string' },
  'reference-preset': { type: 'string' },
  timeout: { type: 'string' },
  'c-binary': { type: 'string' },
  python: { type: 'string' },
  'torch-mode': { type: 'string' },
  'c-reuse': { type: 'string' },
  'server-idle': { type: 'string' },
  'idle-timeout': { type: 'string' },
  env: { type: 'string', multiple: true },
  initiative: { type: 'string' },
  phase: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Help lines of the shared options (each subcommand adds its own). */
export const ENGINE_OPTION_HELP = `  --workspace DIR            the nanoBragg checkout (default: current folder)
  --candidate torch|embedded|c   default torch
  --reference c|embedded|torch   default c
  --candidate-preset c|pytorch   embedded engine preset for the candidate (default pytorch)
  --reference-preset c|pytorch   embedded engine preset for the reference (default c)
  --timeout SEC              per-side timeout in seconds (default 1800)
  --c-binary PATH            C binary (default: NB_C_BIN, golden_suite_generator/nanoBragg, ./nanoBragg)
  --python PATH              Python for the PyTorch port (default: NB_PY_BIN, python3)
  --torch-mode cold|warm|auto    PyTorch start-up: the per-user warm server, started on first use and kept between
                             calls (warm; auto, the default, = warm where fork exists) or a fresh interpreter per run
                             (cold); NB_PARITY_TORCH_MODE sets the default; see "nb-parity server status|stop"
  --c-reuse on|off           on (default): a C command (same binary bytes, arguments, input files, environment) that
                             gave byte-identical float files in two real runs is not run again: its float file is
                             copied from the earlier bundle, and every 20th reuse runs it again to check; off runs
                             the binary every time (NB_PARITY_C_REUSE sets the default); see docs/c-reuse.md
  --server-idle SEC          idle stop of a warm server this call starts (default 600; NB_PARITY_SERVER_IDLE);
                             --idle-timeout SEC is the same option (the daemon's name for it)
  --env NAME=VALUE           extra environment for the programs (repeatable), e.g. NANOBRAGG_DISABLE_COMPILE=1
  --initiative NAME          default 2025-11-source-weights
  --phase NAME               default phase_e
  --json                     print the result as JSON on stdout
  --quiet                    no progress on stderr`;

export interface EngineOptionValues {
  workspace?: string; candidate?: string; reference?: string;
  'candidate-preset'?: string; 'reference-preset'?: string; timeout?: string;
  'c-binary'?: string; python?: string; 'torch-mode'?: string; 'c-reuse'?: string; 'server-idle'?: string; 'idle-timeout'?: string; env?: string[]; initiative?: string; phase?: string;
}

export interface EngineChoice {
  workspace: string;
  candidate: EngineId;
  reference: EngineId;
  settings: RunSettings;
}

/** A bad option value: the message names the option and what it expects. */
export class OptionError extends Error {}

/**
 * The warm server's idle stop in seconds: `--server-idle` and `--idle-timeout` are one option under two names (the
 * run's and the daemon's), then NB_PARITY_SERVER_IDLE. Throws OptionError for a bad value or two different values.
 */
export function idleTimeoutOption(serverIdle: string | undefined, idleTimeout: string | undefined, fromEnv: string | undefined): number | undefined {
  if (serverIdle !== undefined && idleTimeout !== undefined && Number(serverIdle) !== Number(idleTimeout)) {
    throw new OptionError(`--server-idle ${serverIdle} and --idle-timeout ${idleTimeout} are the same option; give one value`);
  }
  const [name, v] = serverIdle !== undefined ? ['--server-idle ', serverIdle] : idleTimeout !== undefined ? ['--idle-timeout ', idleTimeout]
    : ['NB_PARITY_SERVER_IDLE=', fromEnv];
  if (v === undefined || v === '') return undefined;
  if (!(Number(v) > 0)) throw new OptionError(`${name}${v}: expected a positive number of seconds`);
  return Number(v);
}

/** Validate the shared options into engines + RunSettings (throws OptionError with a specific message). */
export async function resolveEngineOptions(values: EngineOptionValues): Promise<EngineChoice> {
  const candidate = (values.candidate ?? 'torch') as EngineId;
  const reference = (values.reference ?? 'c') as EngineId;
  if (!ENGINES.includes(candidate)) throw new OptionError(`--candidate ${candidate}: expected one of ${ENGINES.join(', ')}`);
  if (!ENGINES.includes(reference)) throw new OptionError(`--reference ${reference}: expected one of ${ENGINES.join(', ')}`);
  for (const [flag, v] of [['--candidate-preset', values['candidate-preset']], ['--reference-preset', values['reference-preset']]] as const) {
    if (v !== undefined && !PRESETS.includes(v as PresetName)) throw new OptionError(`${flag} ${v}: expected one of ${PRESETS.join(', ')}`);
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (!(t > 0)) throw new OptionError(`--timeout ${values.timeout}: expected a positive number of seconds`);
    timeoutMs = t * 1000;
  }
  // auto by default: a loop calling `nb-parity run` gets the warm server without a flag (cold opts out).
  const torchMode = values['torch-mode'] ?? (process.env.NB_PARITY_TORCH_MODE || 'auto');
  if (!(TORCH_MODES as readonly string[]).includes(torchMode)) {
    const from = values['torch-mode'] !== undefined ? '--torch-mode' : 'NB_PARITY_TORCH_MODE=';
    throw new OptionError(`${from}${from.endsWith('=') ? '' : ' '}${torchMode}: expected one of ${TORCH_MODES.join(', ')}`);
  }
  const cReuse = values['c-reuse'] ?? (process.env.NB_PARITY_C_REUSE || 'on');
  if (cReuse !== 'on' && cReuse !== 'off') {
    throw new OptionError(`${values['c-reuse'] !== undefined ? '--c-reuse ' : 'NB_PARITY_C_REUSE='}${cReuse}: expected on or off`);
  }
  const idle = idleTimeoutOption(values['server-idle'], values['idle-timeout'], process.env.NB_PARITY_SERVER_IDLE);
  const extraEnv: Record<string, string> = {};
  for (const e of values.env ?? []) {
    const i = e.indexOf('=');
    if (i <= 0) throw new OptionError(`--env ${e}: expected NAME=VALUE`);
    extraEnv[e.slice(0, i)] = e.slice(i + 1);
  }
  const workspace = resolve(values.workspace ?? process.cwd());
  const kind = await stat(workspace).then((s) => (s.isDirectory() ? 'folder' : 'not a folder'), () => 'no such folder');
  if (kind !== 'folder') {
    throw new OptionError(`--workspace ${workspace}: ${kind}; pass the nanoBragg checkout (or run from inside it)`);
  }
  const settings: RunSettings = {
    allowPrograms: true,
    cBinary: values['c-binary'],
    cBinarySource: values['c-binary'] !== undefined ? '--c-binary' : undefined,
    python: values.python,
    pythonSource: values.python !== undefined ? '--python' : undefined,
    extraEnv,
    initiative: values.initiative,
    phase: values.phase,
    timeoutMs: timeoutMs ? { reference: timeoutMs, candidate: timeoutMs } : undefined,
    torchMode: torchMode as RunSettings['torchMode'],
    reuseC: cReuse === 'on',
    calledVia: callContext.note,
    // Warm runs go through the per-user daemon (`nb-parity server`): a pool in this process would die with it.
    torchServer: torchMode === 'warm' || torchMode === 'auto' ? {
      command: [process.execPath, ...process.execArgv, process.argv[1], 'server', '--daemon'],
      idleMs: idle !== undefined ? idle * 1000 : undefined,
    } : undefined,
    embedded: {
      reference: values['reference-preset'] ? { preset: values['reference-preset'] as PresetName } : undefined,
      candidate: values['candidate-preset'] ? { preset: values['candidate-preset'] as PresetName } : undefined,
    },
  };
  return { workspace, candidate, reference, settings };
}

/** Where a call's signals come from: this process's own, or (a call carried out inside the warm server daemon,
 * serveCalls.ts) the client's, forwarded. `quit` is what a second Ctrl+C does. */
export interface SignalSource {
  on(name: NodeJS.Signals, fn: () => void): unknown;
  off(name: NodeJS.Signals, fn: () => void): unknown;
  quit(): void;
}

/** The call being carried out: its signals, and (inside the daemon) a sentence for the evidence saying so. */
export interface CallContext { signals: SignalSource; note?: string }

const ownProcess: CallContext = { signals: { on: (n, f) => process.on(n, f), off: (n, f) => process.off(n, f), quit: () => process.exit(130) } };
let callContext: CallContext = ownProcess;

/** Carry out the next calls in `context` until the returned function restores this process's own. */
export function useCallContext(context: CallContext): () => void {
  callContext = context;
  return () => { callContext = ownProcess; };
}

/**
 * Ctrl+C, SIGTERM and a closed terminal (SIGHUP) cancel through the returned signal: every process tree is killed
 * and the command files what ran. A second Ctrl+C exits at once. Call `release()` when done.
 */
export function cancelOnSignals(command: string): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  const source = callContext.signals;
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) { source.quit(); return; }
    console.error(`nb-parity ${command}: cancelling (Ctrl+C again to quit at once)…`);
    ac.abort();
  };
  const names: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const n of names) source.on(n, onSignal);
  return { signal: ac.signal, release: () => { for (const n of names) source.off(n, onSignal); } };
}
