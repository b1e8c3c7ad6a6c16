// The user's PyTorch port as an engine: `<python> -m nanobrag_torch <flags> -floatfile OUT` in an empty scratch cwd.
// Mode seam: `chooseTorchMode` picks 'cold' (a fresh interpreter per run: `runTorchCold`) or 'warm' (the fork-server
// client under ./warm/, owned by the warm-torch work, dispatched from `runTorch`).
import type { EngineRun } from '../../../shared/types.ts';
import type { EngineSettings } from '../../settings.ts';
import { absolutizeFlags, stripOutputFlags } from '../../cases/flags.ts';
import type { Engine, EngineRunRequest } from '../engine.ts';
import { runProcess } from '../process.ts';
import { finishProcessRun, lastLines, type CommandPlan, type ProcessOutcome } from '../runFinish.ts';
import { RESTRICTED_MESSAGE } from '../c/index.ts';
import { torchEnv, type PythonChoice } from './resolve.ts';
import { runTorchWarm } from './warm/dispatch.ts';
import { warmSupported } from './warm/pool.ts';

export type TorchMode = 'cold' | 'warm';

/** 'auto' is warm where the platform can fork (not Windows); unset means cold. */
export function chooseTorchMode(settings: EngineSettings): TorchMode {
  if (settings.torchMode === 'auto') return warmSupported() ? 'warm' : 'cold';
  return settings.torchMode === 'warm' ? 'warm' : 'cold';
}

export function torchCommand(python: PythonChoice, req: EngineRunRequest): CommandPlan {
  const flags = absolutizeFlags(stripOutputFlags(req.caseDef.flags), req.workspace);
  return {
    argv: [python.python, '-m', 'nanobrag_torch', ...flags, '-floatfile', req.outFile],
    env: torchEnv(req.workspace, req.settings.extraEnv ?? {}),
    cwd: req.scratchDir,
  };
}

export function createTorchEngine(python: PythonChoice): Engine {
  return {
    id: 'torch',
    describe: async () => `PyTorch port: ${python.python} -m nanobrag_torch (interpreter from ${python.origin === 'default' ? 'PATH' : python.origin})`,
    run: (req) => runTorch(python, req),
  };
}

export async function runTorch(python: PythonChoice, req: EngineRunRequest): Promise<EngineRun> {
  const plan = torchCommand(python, req);
  const mode = chooseTorchMode(req.settings);
  if (mode === 'warm') {
    return runTorchWarm(python.python, req, plan, {
      runCold: (r, p) => runTorchCold(python, r, p), explainFailure: explainTorchFailure, info: { pythonOrigin: python.origin },
    });
  }
  return runTorchCold(python, req, plan, mode);
}

export async function runTorchCold(python: PythonChoice, req: EngineRunRequest, plan: CommandPlan, requested: TorchMode = 'cold'): Promise<EngineRun> {
  const info: Record<string, unknown> = { python: python.python, pythonOrigin: python.origin, mode: 'cold' };
  if (requested !== 'cold') info.modeNote = `warm mode requested but not available: ran cold`;
  if (!req.settings.allowPrograms) {
    const refused: ProcessOutcome = { stdout: '', stderr: '', timedOut: false, cancelled: false, spawnError: RESTRICTED_MESSAGE, wallMs: 0 };
    return finishProcessRun('torch', req, plan, refused, info, () => undefined);
  }
  const out = await runProcess({
    file: plan.argv[0], args: plan.argv.slice(1), cwd: plan.cwd, env: plan.env, timeoutMs: req.timeoutMs, signal: req.signal,
  });
  if (out.spawnError) out.spawnError = `${out.spawnError} (set the Python interpreter: nb-parity --python or NB_PY_BIN, the nbParity.python setting in VS Code, or put python3 on PATH)`;
  return finishProcessRun('torch', req, plan, out, { ...info, pid: out.pid }, explainTorchFailure);
}

/** Known PyTorch-side failures, worded with what to do. */
export function explainTorchFailure(o: ProcessOutcome, program?: string): string | undefined {
  const err = `${o.stderr}\n${o.stdout}`;
  if (/has no attribute 'compile'/.test(err)) {
    return `this torch has no torch.compile (torch 1.x); set NANOBRAGG_DISABLE_COMPILE=1 in the extra environment (eager mode: "nb-parity run --env NANOBRAGG_DISABLE_COMPILE=1", or the nbParity.extraEnv setting) and rerun`;
  }
  if (/No module named ['"]?nanobrag_torch/.test(err)) {
    return `${program ?? 'Python'} cannot import nanobrag_torch; open the nanoBragg checkout (with src/nanobrag_torch) as the workspace, or pip install -e it into this interpreter`;
  }
  if (/No module named ['"]?torch['"]?/.test(err)) return `torch is not installed in ${program ?? 'this interpreter'}; choose another interpreter (nb-parity --python or NB_PY_BIN; the nbParity.python setting in VS Code) or pip install torch`;
  if (o.signal) return `the PyTorch run crashed (${o.signal}); last output: ${lastLines(err)}`;
  if (o.exitCode === 2) return `the PyTorch CLI rejected the flags (status 2): ${lastLines(o.stderr || o.stdout)}`;
  return undefined;
}
