// Run both sides of one case concurrently, each engine in its own empty scratch folder of the bundle.
import type { Case, EmbeddedOptions, EngineId, EngineRun, Side } from '../../shared/types.ts';
import type { EngineRunRequest } from '../engines/engine.ts';
import { ENGINE_LABEL } from '../engines/engine.ts';
import { defaultPreset } from '../engines/embedded/index.ts';
import { filePrefix } from '../evidence/layout.ts';
import type { RunSettings } from '../settings.ts';
import type { RunContext } from './context.ts';
import { reusedFrom, reusedShort } from '../../shared/reusedRun.ts';

/** "reused from an identical earlier run (<bundle>/<file>)" for a C side that was not run. */
function reused(run: EngineRun): string | undefined {
  const r = reusedFrom(run);
  return r ? `reused from an identical earlier run (${reusedShort(r)})` : undefined;
}

/** Default per-side timeout: generous (PyTorch at 1024² takes seconds), but a hung program never blocks forever. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

export function embeddedOptionsFor(c: Case, side: Side, settings: RunSettings): EmbeddedOptions {
  const fromCase = c.embedded?.[side];
  const fromSettings = settings.embedded?.[side];
  const preset = fromSettings?.preset ?? fromCase?.preset ?? defaultPreset(side);
  return { preset, forks: { ...(fromCase?.forks ?? {}), ...(fromSettings?.forks ?? {}) }, workers: fromSettings?.workers ?? fromCase?.workers };
}

/** A run that never started (the whole parity run was cancelled first). */
function notStarted(engine: EngineId, side: Side, cwd: string): EngineRun {
  return { engine, side, fpixels: 0, spixels: 0, stdout: '', stderr: '', command: [], env: {}, cwd, wallMs: 0, cancelled: true };
}

/** The bundle file prefixes of a case's two sides (c_, py_, emb_, or emb_ref_/emb_cand_ for a same-engine pair). */
export function sidePrefixes(ctx: RunContext): Record<Side, string> {
  return { reference: filePrefix(ctx.reference, 'reference', ctx.candidate), candidate: filePrefix(ctx.candidate, 'candidate', ctx.reference) };
}

export async function runSides(ctx: RunContext, c: Case): Promise<[EngineRun, EngineRun]> {
  const { opts, writer } = ctx;
  const prefixes = sidePrefixes(ctx);
  const sides: [Side, EngineId][] = [['reference', ctx.reference], ['candidate', ctx.candidate]];
  let running = sides.length;
  const [ref, cand] = await Promise.all(sides.map(async ([side, engineId]) => {
    if (opts.signal?.aborted) return notStarted(engineId, side, writer.scratchPath(prefixes[side], c.fileStem));
    const scratch = await writer.scratch(prefixes[side], c.fileStem);
    const req: EngineRunRequest = {
      caseDef: c, side, workspace: opts.workspace, scratchDir: scratch.dir, outFile: scratch.outFile, settings: opts.settings,
      embedded: engineId === 'embedded' ? embeddedOptionsFor(c, side, opts.settings) : undefined,
      timeoutMs: opts.settings.timeoutMs?.[side] ?? DEFAULT_TIMEOUT_MS,
      signal: opts.signal,
      onLog: ctx.log,
      onProgress: (fraction) => opts.onProgress?.({ caseId: c.id, side, fraction, message: `${c.id} ${side} ${Math.round(fraction * 100)}%` }),
    };
    opts.onProgress?.({ caseId: c.id, side, fraction: 0, message: `${c.id}: ${side} (${ENGINE_LABEL[engineId]}) started` });
    const pending = ctx.prepared.engines[engineId]!.run(req);
    ctx.previews.notifyLaunch();
    const run = await pending;
    running--;
    if (run.image) writer.noteImage(prefixes[side], c.fileStem, run.image);
    if (running > 0 && run.image && !opts.signal?.aborted) ctx.previews.encodeEarly(run);
    opts.onProgress?.({ caseId: c.id, side, fraction: 1, message: `${c.id}: ${side} (${ENGINE_LABEL[engineId]}) ${run.error || run.timedOut || run.cancelled || run.signal ? 'failed' : reused(run) ?? 'done'} in ${(run.wallMs / 1000).toFixed(2)} s` });
    return run;
  }));
  return [ref, cand];
}
