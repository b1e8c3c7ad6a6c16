// The parity run: cases → both engines concurrently (each in an empty scratch folder) → images → metrics → verdict
// → config diff → evidence bundle. One function, used by the CLI, the palette commands and the Test Explorer.
// The steps live in ./run/ (prepare, sides, case, explain, finish); the bundle writer (evidence/bundleWriter.ts)
// owns every file name and write, and writes complete.json last.
import { relative } from 'node:path';
import type { Bundle } from '../shared/types.ts';
import { BundleWriter } from './evidence/bundleWriter.ts';
import { phaseDir } from './evidence/stamp.ts';
import { LAYOUT_VERSION } from './evidence/layout.ts';
import { ParityError, type ParityOptions } from './settings.ts';
import type { RunContext } from './run/context.ts';
import { mapLimit, prepareEngines, startTorchProbe } from './run/prepare.ts';
import { PreviewQueue } from './run/previews.ts';
import { startOrder, TIMING_QUERY } from './run/schedule.ts';
import { caseDone, errorResult, runCase } from './run/case.ts';
import { buildMatrix, matrixQuery } from './report/matrix.ts';
import { previousRunsMany } from './compare/bundles.ts';
import { envJson, runTexts } from './run/finish.ts';

export { ParityError, type ParityOptions, type RunSettings } from './settings.ts';
export type { ParityTiming } from './run/context.ts';
export { DEFAULT_TIMEOUT_MS } from './run/sides.ts';
export { jsonReplacer } from './run/finish.ts';

export async function runParity(opts: ParityOptions): Promise<Bundle> {
  const { workspace, settings, reference, candidate } = opts;
  if (!opts.cases.length) throw new ParityError('no cases to run; list them with "nb-parity cases"');
  const started = performance.now();
  const log = (line: string) => opts.onLog?.(line);

  // 1. Prepare: engines (the C build included), the bundle folder, the env.json probe in the background.
  const prepared = await prepareEngines(opts);
  for (const d of prepared.describe) log(d);
  const writer = await BundleWriter.create(phaseDir(workspace, settings));
  const ctx: RunContext = {
    opts, reference, candidate, prepared, writer, log, previews: new PreviewQueue(opts.cases.length * 2),
    // Where the wall time goes (bundle.json `timing`, the bench prints it): orchestration vs simulation.
    timing: { prepareMs: performance.now() - started, cases: [], finalizeMs: 0, totalMs: 0 },
    commandEntries: [], attributions: {}, attributionMarkdown: {},
  };
  const createdAt = new Date().toISOString();
  log(`evidence bundle: ${writer.dir}`);
  opts.onProgress?.({ message: `bundle ${relative(workspace, writer.dir) || writer.dir}` });
  const torchProbe = startTorchProbe(opts, prepared);

  // 2–4. Run both sides, judge, file each case (one case's crash becomes its error verdict, never the run's).
  const slots = settings.concurrency ?? 1;
  // One walk over the earlier bundles, newest first, for two lookups: the timings that order the cases (the first
  // 20 bundles, awaited before the first case starts) and matrix.md's "vs previous" column (read on while the cases run).
  const ids = opts.cases.map((c) => c.id);
  const earlier = previousRunsMany(workspace, writer.stamp, ids, writer.dir, { timing: TIMING_QUERY, previous: matrixQuery(reference, candidate) });
  const order = await startOrder(ids, slots, earlier.timing);
  const results = await mapLimit(opts.cases, slots, (c, index) => runCase(ctx, c, index).catch((err: unknown) => errorResult(ctx, c, err)).then((r) => caseDone(ctx, r, index)), order);

  // 5. File the run: the run-level files, then complete.json; then the previews still waiting (encoding the last
  // case's takes longer than filing the evidence at 1024²) are added and the marker refreshed.
  const finalizeStart = performance.now();
  const bundle: Bundle = { dir: writer.dir, stamp: writer.stamp, layout: LAYOUT_VERSION, createdAt, workspace, cases: results, ...(opts.whatIf ? { whatIf: opts.whatIf } : {}) };
  const env = await envJson(opts, prepared, await torchProbe.catch(() => undefined), writer.stamp, performance.now() - started, bundle);
  bundle.matrix = buildMatrix(bundle, await earlier.previous);
  await writer.finish(runTexts(ctx, bundle, env), opts.signal?.aborted ? 'cancelled' : 'complete');
  ctx.timing.completeMs = performance.now() - started;
  // The caller's first look at the complete bundle goes before the last previews; its failure is not the run's.
  try { await opts.onComplete?.(bundle); } catch (err) { log(`after complete.json: ${(err as Error).message}`); }
  const previewStart = performance.now();
  await ctx.previews.drain();
  const texts = ctx.previews.changed ? runTexts(ctx, bundle, env) : undefined;
  await writer.amendFinished(texts ? { summary: texts.summary, bundleJson: texts.bundleJson } : {});
  ctx.timing.previewWaitMs = performance.now() - previewStart;

  bundle.attributions = Object.keys(ctx.attributions).length ? ctx.attributions : undefined;
  bundle.wallMs = performance.now() - started;
  ctx.timing.finalizeMs = performance.now() - finalizeStart;
  ctx.timing.totalMs = performance.now() - started;
  bundle.timing = ctx.timing;
  return bundle;
}
