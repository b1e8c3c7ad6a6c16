// The user's nanoBragg C binary as an engine: absolute paths, empty scratch cwd, -floatfile into the scratch folder.
import type { EngineRun } from '../../../shared/types.ts';
import { absolutizeFlags, stripOutputFlags } from '../../cases/flags.ts';
import type { Engine, EngineRunRequest } from '../engine.ts';
import { runProcess } from '../process.ts';
import { finishProcessRun, lastLines, progressFraction, type CommandPlan, type ProcessOutcome } from '../runFinish.ts';
import { describeCBinary, type CBinary } from './resolve.ts';
import { countCReuse, cRunKey, decideCReuse, recordCRun, type CRunKey } from './reuse.ts';
import { writeFile } from 'node:fs/promises';

export { resolveCBinary, describeCBinary, sha256File, GOLDEN_DIR, type CBinary, type CResolution } from './resolve.ts';
export { buildCBinary } from './build.ts';
export { C_RUNS_DIR, C_REUSE_SAMPLE_EVERY } from './reuse.ts';

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
  // An identical earlier command that has proven deterministic: copy its float file instead of running (reuse.ts).
  // With reuse off the run is still recorded, so later calls with it on can reuse it.
  const key = req.reuse === false ? undefined : await cRunKey(binary, plan).catch(() => undefined);
  let reuseNote: string | undefined = key && req.settings.reuseC === false ? 'reuse off (--c-reuse off, NB_PARITY_C_REUSE=off or nbParity.reuseCRuns: false): ran' : undefined;
  if (key && req.settings.reuseC !== false) {
    const started = performance.now();
    const d = await decideCReuse(req.workspace, key, plan);
    reuseNote = d.note;
    // A copy that cannot be written (disk full…) falls through to a real run, which reports its own failure.
    const copied = d.reuse && await writeFile(req.outFile, d.data, { flag: 'wx' }).then(() => true, (e: Error) => {
      reuseNote = `not reused: copying the earlier run's float file failed (${e.message}): ran`;
      return false;
    });
    if (d.reuse && copied) {
      await countCReuse(req.workspace, d.entry);
      // The bundle's stdout log of this side says on its first line that the binary did not run.
      const marker = `# nb-parity: not run; the stdout of an identical earlier run (${d.from.image}, ${d.from.at}), with this run's paths\n`;
      const reused: ProcessOutcome = { stdout: marker + d.stdout, stderr: d.stderr, exitCode: 0, timedOut: false, cancelled: false, wallMs: performance.now() - started };
      return finishProcessRun('c', req, plan, reused, { ...info, reused: { from: d.from.image, at: d.from.at, sha256: d.from.sha256, wallMs: d.from.wallMs }, reuseNote: d.note }, explainCFailure);
    }
  }
  const out = await runProcess({
    file: plan.argv[0], args: plan.argv.slice(1), cwd: plan.cwd, env: plan.env, timeoutMs: req.timeoutMs, signal: req.signal,
    onLine: (line) => {
      const f = progressFraction(line);
      if (f !== undefined) req.onProgress?.(f);
    },
  });
  const run = await finishProcessRun('c', req, plan, out, { ...info, pid: out.pid, ...(reuseNote ? { reuseNote } : {}) }, explainCFailure);
  if (key && run.image && !run.error) unrecorded.set(run, { binary, plan, key });
  else if (key && run.info?.reuseNote) run.info.reuseNote = `${String(run.info.reuseNote)}; this run failed, so it is not recorded`;
  return run;
}

/** Real runs whose float file can serve later calls once it is filed in its bundle (recordFiledCRun). */
const unrecorded = new WeakMap<EngineRun, { binary: CBinary; plan: CommandPlan; key: CRunKey }>();

/**
 * A real C run was filed at `image` (inside `bundle`; `hash`: the float file's sha256 and size from the bundle writer,
 * which hashed it for complete.json): remember it for reuse, and add to its note what comparing it with the command's
 * earlier run concluded. Never throws.
 */
export async function recordFiledCRun(workspace: string, run: EngineRun, bundle: string, image: string, hash: { sha256: string; bytes: number }): Promise<void> {
  const r = unrecorded.get(run);
  if (!r) return;
  unrecorded.delete(run);
  const outcome = await recordCRun(workspace, r.binary, r.plan, r.key, { bundle, image, at: new Date().toISOString(), wallMs: Math.round(run.wallMs), ...hash }, run.stdout, run.stderr);
  if (outcome && run.info) run.info.reuseNote = `${String(run.info.reuseNote ?? '')}; ${outcome}`;
}

function explainCFailure(o: ProcessOutcome): string | undefined {
  if (o.signal) return `the C binary crashed (${o.signal})${o.signal === 'SIGSEGV' ? '; C has been seen to segfault on malformed source files: check -sourcefile' : ''}; last output: ${lastLines(o.stdout + '\n' + o.stderr)}`;
  if (o.exitCode === 9) return `the C binary reported an error (status 9): ${lastLines(o.stdout + '\n' + o.stderr)}`;
  return undefined;
}
