// Warm mode for the PyTorch engine: run the same `python -m nanobrag_torch` command through the fork-server (in this
// process or in the per-user daemon), fall back to the cold runner whenever the warm path cannot be trusted (no fork,
// server cannot start or crashed twice, authoritative check failed), and say in the EngineRun which mode produced the
// image and whether (and why) it was compared with a cold run.
import { mkdtempSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EngineRun } from '../../../../shared/types.ts';
import type { EngineRunRequest } from '../../engine.ts';
import { finishProcessRun, type CommandPlan, type ProcessOutcome } from '../../runFinish.ts';
import { compareFiles, type CheckDecision, type Comparison } from './authoritative.ts';
import { DaemonHost } from './daemonClient.ts';
import { LocalWarmHost, type WarmHost, type WarmHostResult } from './host.ts';
import { warmSupported } from './pool.ts';
import { portFingerprint } from './portFingerprint.ts';
import { WarmServerError, type WarmRunResult } from './server.ts';

export interface WarmDispatchDeps {
  /** The engine's cold path (runTorchCold), used for fallbacks and for the authoritative check. */
  runCold: (req: EngineRunRequest, plan: CommandPlan) => Promise<EngineRun>;
  explainFailure: (o: ProcessOutcome) => string | undefined;
  /** Facts the engine adds to every run's info (interpreter origin...). */
  info?: Record<string, unknown>;
  /** Where the warm run is served (default: the daemon when settings.torchServer is set, else this process). */
  host?: WarmHost;
}

const COLD_TWIN_PREFIX = 'nb-parity-authoritative-';

function annotate(run: EngineRun, facts: Record<string, unknown>): EngineRun {
  run.info = { ...(run.info ?? {}), ...facts };
  return run;
}

/** Module arguments of a `<python> -m <module> args...` plan, or undefined when the plan has another shape. */
function splitModulePlan(plan: CommandPlan): { module: string; args: string[] } | undefined {
  if (plan.argv[1] !== '-m' || !plan.argv[2]) return undefined;
  return { module: plan.argv[2], args: plan.argv.slice(3) };
}

/** The same command run cold in its own empty temporary folder (never in the bundle), with its own -floatfile. */
interface ColdTwin {
  out: string;
  run: Promise<EngineRun>;
  /** Stop it (if still running) and remove its folder. */
  discard(): Promise<void>;
  cleanup(): Promise<void>;
}

function startColdTwin(req: EngineRunRequest, plan: CommandPlan, deps: WarmDispatchDeps): ColdTwin {
  const dir = mkdtempSync(join(tmpdir(), COLD_TWIN_PREFIX));
  const out = join(dir, basename(req.outFile));
  const stop = new AbortController();
  const signal = req.signal ? AbortSignal.any([req.signal, stop.signal]) : stop.signal;
  const twinPlan: CommandPlan = { ...plan, cwd: dir, argv: plan.argv.map((a) => (a === req.outFile ? out : a)) };
  const run = deps.runCold({ ...req, scratchDir: dir, outFile: out, signal }, twinPlan);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  return {
    out, run, cleanup,
    discard: async () => { stop.abort(); await run.catch(() => undefined); await cleanup(); },
  };
}

function chooseHost(python: string, req: EngineRunRequest, plan: CommandPlan): WarmHost {
  const daemon = req.settings.torchServer;
  return daemon ? new DaemonHost(python, plan.env, daemon, req.onLog) : new LocalWarmHost(python, plan.env, req.onLog);
}

export async function runTorchWarm(python: string, req: EngineRunRequest, plan: CommandPlan, deps: WarmDispatchDeps): Promise<EngineRun> {
  const cold = async (note: string) => annotate(await deps.runCold(req, plan), { mode: 'cold', modeNote: note });
  if (!warmSupported()) return cold('warm PyTorch runs need fork(), which this platform lacks: ran cold');
  if (!req.settings.allowPrograms) return deps.runCold(req, plan); // the cold path words the Restricted Mode refusal
  const mod = splitModulePlan(plan);
  if (!mod) return cold(`warm mode understands "python -m <module>" commands only: ran cold`);

  let host: WarmHost;
  let decision: CheckDecision;
  const port = await portFingerprint(plan.env.PYTHONPATH, mod.module);
  try {
    host = deps.host ?? chooseHost(python, req, plan);
    decision = await host.begin(port);
  } catch (err) {
    if (!(err instanceof WarmServerError)) throw err;
    req.onLog?.(`warm PyTorch run unavailable: ${err.message}`);
    return cold(`warm run unavailable (${err.message}): ran cold`);
  }
  if (decision.distrust) return cold(`this warm worker's output once differed from a cold run (${decision.distrust}): ran cold`);

  const authoritative = req.settings.torchAuthoritative ?? true;
  // When a check is due, the cold twin runs alongside the warm run, so a checked run costs about one cold run.
  let twin = authoritative && decision.due ? startColdTwin(req, plan, deps) : undefined;
  try {
    let warm: WarmHostResult;
    try {
      warm = await host.run({ argv: mod.args, cwd: plan.cwd, module: mod.module, signal: req.signal, timeoutMs: req.timeoutMs });
    } catch (err) {
      if (!(err instanceof WarmServerError)) throw err;
      req.onLog?.(`warm PyTorch run unavailable: ${err.message}`);
      const note = `warm run unavailable (${err.message}): ran cold`;
      if (!twin) return await cold(note);
      const twinRun = await twin.run;
      if (!twinRun.error && !twinRun.cancelled && !twinRun.timedOut) await copyFile(twin.out, req.outFile);
      return annotate(twinRun, { mode: 'cold', modeNote: note });
    }
    const hello = warm.hello;
    const info: Record<string, unknown> = {
      ...(deps.info ?? {}), python, mode: 'warm', pid: warm.pid, warmServerPid: warm.serverPid, warmWorkerLife: warm.serverLife,
      warmColdStart: warm.coldStart, warmChildMs: warm.childMs, warmSpare: warm.spare, torchVersion: hello?.torch ?? undefined,
      numpyVersion: hello?.numpy ?? undefined, pythonVersion: hello?.python, warmHost: host.kind,
      warmRun: decision.run || 1, portFiles: port, ...(warm.daemonPid ? { warmDaemonPid: warm.daemonPid } : {}),
    };
    const warmRun = () => finishProcessRun('torch', req, plan, warm, info, deps.explainFailure);
    if (warm.cancelled || warm.timedOut || !authoritative) return await warmRun();
    const failed = warm.signal !== undefined || warm.exitCode !== 0;
    const why = decision.due
      ?? (decision.life !== warm.serverLife ? `first run of server life ${warm.serverLife} (the server restarted)` : undefined)
      ?? (failed ? 'the warm run failed: a failure is always confirmed by a cold run' : undefined);
    if (!why) return annotate(await warmRun(), { authoritative: 'verified earlier in this worker life', authoritativeBasis: decision.basis });
    twin ??= startColdTwin(req, plan, deps);
    const record = (cmp: Comparison) => host.record(warm.serverLife, port, why, cmp);
    return await judgeAgainstTwin(req, warm, await twin.run, twin.out, record, warmRun, why);
  } finally {
    host.release();
    await twin?.discard();
  }
}

/** Keep the warm result when it matches the cold twin (float bytes, or the same failure), else use the cold one. */
async function judgeAgainstTwin(req: EngineRunRequest, warm: WarmRunResult, coldRun: EngineRun, coldOut: string,
  record: (cmp: Comparison) => Promise<void>, warmRun: () => Promise<EngineRun>, why: string): Promise<EngineRun> {
  const basis = `compared with a cold run: ${why}`;
  if (coldRun.cancelled || coldRun.timedOut) {
    return annotate(await warmRun(), { authoritative: `not checked: the cold run ${coldRun.cancelled ? 'was cancelled' : 'timed out'}`, authoritativeBasis: basis });
  }
  const failed = warm.signal !== undefined || warm.exitCode !== 0;
  const ended = (signal: string | undefined, code: number | undefined) => signal ?? `with status ${code}`;
  const sameStatus = (coldRun.exitCode ?? null) === (warm.exitCode ?? null) && (coldRun.signal ?? null) === (warm.signal ?? null);
  const cmp: Comparison = !sameStatus
    ? { identical: false, detail: `warm ended ${ended(warm.signal, warm.exitCode)}, cold ${ended(coldRun.signal, coldRun.exitCode)}` }
    : failed ? { identical: true, detail: 'both runs failed alike' } : await compareFiles(req.outFile, coldOut);
  await record(cmp);
  if (cmp.identical) {
    const what = failed ? `failed like a cold run (${cmp.detail})` : `float file byte-identical to a cold run (${cmp.detail})`;
    return annotate(await warmRun(), { authoritative: what, authoritativeColdMs: coldRun.wallMs, authoritativeBasis: basis });
  }
  // Not trusted: the cold run is the truth; put its image where the bundle expects this side's image.
  if (!coldRun.error) await copyFile(coldOut, req.outFile);
  req.onLog?.(`warm PyTorch run differed from a cold run (${cmp.detail}): using the cold run; this warm worker is no longer trusted`);
  return annotate(coldRun, {
    mode: 'cold',
    modeNote: `warm run differed from a cold run (${cmp.detail}): the cold result (run in a temporary folder) is used; this warm worker is no longer trusted`,
    authoritative: cmp.detail, authoritativeBasis: basis,
  });
}
