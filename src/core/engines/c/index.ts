// The user's nanoBragg C binary as an engine: absolute paths, empty scratch cwd, -floatfile into the scratch folder.
import type { EngineRun } from '../../../shared/types.ts';
import { absolutizeFlags, stripOutputFlags } from '../../cases/flags.ts';
import type { Engine, EngineRunRequest } from '../engine.ts';
import { runProcess } from '../process.ts';
import { finishProcessRun, lastLines, progressFraction, type CommandPlan, type ProcessOutcome } from '../runFinish.ts';
import { describeCBinary, type CBinary } from './resolve.ts';

export { resolveCBinary, describeCBinary, sha256File, GOLDEN_DIR, type CBinary, type CResolution } from './resolve.ts';
export { buildCBinary } from './build.ts';

export const RESTRICTED_MESSAGE = 'this workspace is not trusted (Restricted Mode), so nb-parity launches no program (C binary, Python or make); trust the folder, or run the embedded engine on both sides';

export function cCommand(binary: CBinary, req: EngineRunRequest): CommandPlan {
  const flags = absolutizeFlags(stripOutputFlags(req.caseDef.flags), req.workspace);
  return { argv: [binary.path, ...flags, '-floatfile', req.outFile], env: { ...(req.settings.extraEnv ?? {}) }, cwd: req.scratchDir };
}

export function createCEngine(binary: CBinary): Engine {
  return {
    id: 'c',
    describe: async () => describeCBinary(binary),
    run: (req) => runC(binary, req),
  };
}

async function runC(binary: CBinary, req: EngineRunRequest): Promise<EngineRun> {
  const plan = cCommand(binary, req);
  const info = { binary: binary.path, sha256: binary.sha256, origin: binary.origin, frozen: binary.frozen };
  if (!req.settings.allowPrograms) {
    const refused: ProcessOutcome = { stdout: '', stderr: '', timedOut: false, cancelled: false, spawnError: RESTRICTED_MESSAGE, wallMs: 0 };
    return finishProcessRun('c', req, plan, refused, info, () => undefined);
  }
  const out = await runProcess({
    file: plan.argv[0], args: plan.argv.slice(1), cwd: plan.cwd, env: plan.env, timeoutMs: req.timeoutMs, signal: req.signal,
    onLine: (line) => {
      const f = progressFraction(line);
      if (f !== undefined) req.onProgress?.(f);
    },
  });
  return finishProcessRun('c', req, plan, out, { ...info, pid: out.pid }, explainCFailure);
}

function explainCFailure(o: ProcessOutcome): string | undefined {
  if (o.signal) return `the C binary crashed (${o.signal})${o.signal === 'SIGSEGV' ? '; C has been seen to segfault on malformed source files: check -sourcefile' : ''}; last output: ${lastLines(o.stdout + '\n' + o.stderr)}`;
  if (o.exitCode === 9) return `the C binary reported an error (status 9): ${lastLines(o.stdout + '\n' + o.stderr)}`;
  return undefined;
}
