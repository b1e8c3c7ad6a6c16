// Turning a finished child process into an EngineRun, shared by the C and PyTorch runners (and the warm client).
import type { EngineId, EngineRun } from '../../shared/types.ts';
import type { EngineRunRequest } from './engine.ts';
import { collectImage, effectiveConfigOf } from './engine.ts';
import type { ProcessOutcome } from './process.ts';

export type { ProcessOutcome } from './process.ts';

export interface CommandPlan {
  /** argv[0] = program. */
  argv: string[];
  /** Variables set on top of the inherited environment. */
  env: Record<string, string>;
  cwd: string;
}

/**
 * Build the EngineRun. `explainFailure` words an engine-specific error (C exit 9, torch 1.x...) from the outcome and
 * the program it ran (so the message can name it);
 * a run that ended with status 0 still gets its image checked (missing, truncated, wrong size).
 */
export async function finishProcessRun(engine: EngineId, req: EngineRunRequest, plan: CommandPlan, out: ProcessOutcome,
  info: Record<string, unknown>, explainFailure: (o: ProcessOutcome, program?: string) => string | undefined): Promise<EngineRun> {
  const run: EngineRun = {
    engine,
    side: req.side,
    fpixels: 0,
    spixels: 0,
    stdout: out.stdout,
    stderr: out.stderr,
    exitCode: out.exitCode,
    signal: out.signal,
    timedOut: out.timedOut || undefined,
    cancelled: out.cancelled || undefined,
    command: plan.argv,
    env: plan.env,
    cwd: plan.cwd,
    wallMs: out.wallMs,
    info,
  };
  run.effectiveConfig = effectiveConfigOf(out.stdout, engine, out.stderr, req.caseDef.flags);
  if (out.spawnError) { run.error = out.spawnError; return run; }
  if (out.cancelled || out.timedOut) return run;
  if (out.signal || (out.exitCode !== undefined && out.exitCode !== 0)) {
    run.error = explainFailure(out, plan.argv[0]) ?? lastLines(out.stderr || out.stdout);
    return run;
  }
  Object.assign(run, await collectImage(req.outFile, req.caseDef.flags, out.stdout));
  return run;
}

/** The last meaningful line(s) of a program's output, for a one-line error. */
export function lastLines(text: string, n = 1): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('TRACE') && !/^\d+% done/.test(l));
  return lines.slice(-n).join(' | ') || '(no output)';
}

/** "  12% done" progress lines (C without -noprogress) → fraction. */
export function progressFraction(line: string): number | undefined {
  const m = /^\s*(\d{1,3})% done/.exec(line);
  return m ? Math.min(1, Number(m[1]) / 100) : undefined;
}
