// Warm mode for the PyTorch engine: run the same `python -m nanobrag_torch` command through the fork-server, fall
// back to the cold runner whenever the warm path cannot be trusted (no fork, server cannot start or crashed twice,
// authoritative check failed), and say in the EngineRun which mode produced the image.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EngineRun } from '../../../types.ts';
import type { EngineRunRequest } from '../../engine.ts';
import { finishProcessRun, type CommandPlan, type ProcessOutcome } from '../../runFinish.ts';
import { authoritativeBook, authoritativeCaseKey, compareFiles, type Comparison } from './authoritative.ts';
import { getWarmServer, warmSupported } from './pool.ts';
import { WarmServerError, type WarmRunResult } from './server.ts';

export interface WarmDispatchDeps {
  /** The engine's cold path (runTorchCold), used for fallbacks and for the authoritative check. */
  runCold: (req: EngineRunRequest, plan: CommandPlan) => Promise<EngineRun>;
  explainFailure: (o: ProcessOutcome) => string | undefined;
  /** Facts the engine adds to every run's info (interpreter origin...). */
  info?: Record<string, unknown>;
}

const COLD_CHECK_PREFIX = 'nb-parity-authoritative-';

function annotate(run: EngineRun, facts: Record<string, unknown>): EngineRun {
  run.info = { ...(run.info ?? {}), ...facts };
  return run;
}

/** Module arguments of a `<python> -m <module> args...` plan, or undefined when the plan has another shape. */
function splitModulePlan(plan: CommandPlan): { module: string; args: string[] } | undefined {
  if (plan.argv[1] !== '-m' || !plan.argv[2]) return undefined;
  return { module: plan.argv[2], args: plan.argv.slice(3) };
}

export async function runTorchWarm(python: string, req: EngineRunRequest, plan: CommandPlan, deps: WarmDispatchDeps): Promise<EngineRun> {
  const cold = async (note: string) => annotate(await deps.runCold(req, plan), { mode: 'cold', modeNote: note });
  if (!warmSupported()) return cold('warm PyTorch runs need fork(), which this platform lacks: ran cold');
  if (!req.settings.allowPrograms) return deps.runCold(req, plan); // the cold path words the Restricted Mode refusal
  const mod = splitModulePlan(plan);
  if (!mod) return cold(`warm mode understands "python -m <module>" commands only: ran cold`);

  const { key, server } = getWarmServer(python, plan.env, { onLog: req.onLog });
  const distrusted = server.pid !== undefined ? authoritativeBook.distrust(key, server.life) : undefined;
  if (distrusted) return cold(`this warm worker's output once differed from a cold run (${distrusted}): ran cold`);

  let warm: WarmRunResult;
  try {
    warm = await server.run({ argv: mod.args, cwd: plan.cwd, module: mod.module, signal: req.signal, timeoutMs: req.timeoutMs });
  } catch (err) {
    if (!(err instanceof WarmServerError)) throw err;
    req.onLog?.(`warm PyTorch run unavailable: ${err.message}`);
    return cold(`warm run unavailable (${err.message}): ran cold`);
  }
  const hello = server.info;
  const info: Record<string, unknown> = {
    ...(deps.info ?? {}), python, mode: 'warm', pid: warm.pid, warmServerPid: warm.serverPid, warmWorkerLife: warm.serverLife,
    warmColdStart: warm.coldStart, warmChildMs: warm.childMs, torchVersion: hello?.torch ?? undefined,
    numpyVersion: hello?.numpy ?? undefined, pythonVersion: hello?.python,
  };
  const warmRun = () => finishProcessRun('torch', req, plan, warm, info, deps.explainFailure);
  if (warm.cancelled || warm.timedOut) return warmRun();

  const authoritative = req.settings.torchAuthoritative ?? true;
  const failed = warm.signal !== undefined || warm.exitCode !== 0;
  const caseKey = authoritativeCaseKey(req.caseDef.id, mod.args, req.outFile);
  if (!authoritative) return warmRun();
  if (!authoritativeBook.needsCheck(key, warm.serverLife, caseKey)) {
    return annotate(await warmRun(), { authoritative: 'verified earlier in this worker life' });
  }

  // Cold twin in its own empty temporary folder (not in the bundle), with its own -floatfile.
  const coldDir = await mkdtemp(join(tmpdir(), COLD_CHECK_PREFIX));
  try {
    return await checkAgainstCold({ req, plan, deps, warm, failed, coldDir, record: (cmp) => authoritativeBook.record(key, warm.serverLife, caseKey, cmp), warmRun });
  } finally {
    await rm(coldDir, { recursive: true, force: true });
  }
}

interface ColdCheck {
  req: EngineRunRequest;
  plan: CommandPlan;
  deps: WarmDispatchDeps;
  warm: WarmRunResult;
  failed: boolean;
  coldDir: string;
  record: (cmp: Comparison) => void;
  warmRun: () => Promise<EngineRun>;
}

/** Run the same command cold; keep the warm result when it matches (float bytes, or the same failure), else the cold one. */
async function checkAgainstCold({ req, plan, deps, warm, failed, coldDir, record, warmRun }: ColdCheck): Promise<EngineRun> {
  const coldOut = join(coldDir, basename(req.outFile));
  const coldPlan: CommandPlan = { ...plan, cwd: coldDir, argv: plan.argv.map((a) => (a === req.outFile ? coldOut : a)) };
  const coldRun = await deps.runCold({ ...req, scratchDir: coldDir, outFile: coldOut }, coldPlan);
  if (coldRun.cancelled || coldRun.timedOut) return annotate(coldRun, { mode: 'cold', modeNote: 'the authoritative cold check was stopped' });

  const ended = (signal: string | undefined, code: number | undefined) => signal ?? `with status ${code}`;
  const sameStatus = (coldRun.exitCode ?? null) === (warm.exitCode ?? null) && (coldRun.signal ?? null) === (warm.signal ?? null);
  const cmp: Comparison = !sameStatus
    ? { identical: false, detail: `warm ended ${ended(warm.signal, warm.exitCode)}, cold ${ended(coldRun.signal, coldRun.exitCode)}` }
    : failed ? { identical: true, detail: 'both runs failed alike' } : await compareFiles(req.outFile, coldOut);
  record(cmp);
  if (cmp.identical) {
    const what = failed ? `failed like a cold run (${cmp.detail})` : `float file byte-identical to a cold run (${cmp.detail})`;
    return annotate(await warmRun(), { authoritative: what, authoritativeColdMs: coldRun.wallMs });
  }
  // Not trusted: the cold run is the truth; put its image where the bundle expects this side's image.
  if (!coldRun.error) await copyFile(coldOut, req.outFile);
  req.onLog?.(`warm PyTorch run differed from a cold run (${cmp.detail}): using the cold run; this warm worker is no longer trusted`);
  return annotate(coldRun, {
    mode: 'cold',
    modeNote: `warm run differed from a cold run (${cmp.detail}): the cold result (run in a temporary folder) is used; this warm worker is no longer trusted`,
    authoritative: cmp.detail,
  });
}
