// The trace run: one case, one pixel, both sides run with `-trace_pixel S F` added (each in its own empty scratch
// folder outside the bundle, removed afterwards), the two traces compared by the trace core, and the result filed
// into the case's bundle (new files only). Engines resolve exactly as for a parity run (prepareEngines).
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Bundle, Case, EngineId, EngineRun, ProgressEvent, Side } from '../../shared/types.ts';
import type { EngineRunRequest } from '../engines/engine.ts';
import { ENGINE_LABEL } from '../engines/engine.ts';
import { runParity } from '../parity.ts';
import { prepareEngines, type PreparedEngines } from './prepare.ts';
import { DEFAULT_TIMEOUT_MS, embeddedOptionsFor } from './sides.ts';
import { ParityError, type RunSettings } from '../settings.ts';
import { listBundles, loadCaseImages, readBundle } from '../evidence/reader.ts';
import { bundleFiles, filePrefix } from '../evidence/layout.ts';
import { addTraceToBundle, type TraceRecord } from '../evidence/traceFiles.ts';
import { engineWithPreset } from '../evidence/texts.ts';
import { compareTraces, parseTrace, renderFirstDivergenceMarkdown } from '../trace/index.ts';
import { resolveForks } from '../simulator/forks.ts';
import type { CandidateDtype, TraceDiff } from '../trace/types.ts';
import { flagValue } from '../cases/flags.ts';
import { maxDeltaPixel, outsideDetector, peakPixel, type Pixel, type PixelRequest } from './tracePixel.ts';

export { parsePixelRequest, maxDeltaPixel, peakPixel, type PixelRequest, type Pixel } from './tracePixel.ts';

export interface TraceRunOptions {
  workspace: string;
  caseDef: Case;
  reference: EngineId;
  candidate: EngineId;
  settings: RunSettings;
  /** Default 'max-delta'. */
  pixel?: PixelRequest;
  /** The bundle to add the trace to; default the newest bundle holding the case, else a fresh parity run. */
  bundleDir?: string;
  /** Default: float64 when the case's flags say `-dtype float64`, else float32. */
  candidateDtype?: CandidateDtype;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  onLog?: (line: string) => void;
}

export interface TraceRunResult {
  diff: TraceDiff;
  bundleDir: string;
  /** True when no bundle held the case and a parity run made one. */
  freshBundle: boolean;
  pixel: Pixel;
  /** Where the pixel came from, in words ("max |Δ| of bundle …", "--pixel 129,129"). */
  pixelSource: string;
  record: TraceRecord;
  runs: { reference: EngineRun; candidate: EngineRun };
  timing: { bundleMs: number; traceMs: number; compareMs: number; fileMs: number; totalMs: number };
}

/** A trace run that cannot give an answer (a side failed, printed no trace, bad pixel…): the CLI's exit 2. */
export class TraceRunError extends Error {
  constructor(message: string) { super(message); this.name = 'TraceRunError'; }
}

export async function runTrace(opts: TraceRunOptions): Promise<TraceRunResult> {
  const started = performance.now();
  const { caseDef: c, workspace, reference, candidate, settings } = opts;
  const log = (line: string) => opts.onLog?.(line);
  const found = await caseBundle(opts);
  const bundleMs = performance.now() - started;
  throwIfAborted(opts.signal);
  const { pixel, source: pixelSource } = await choosePixel(opts.pixel ?? 'max-delta', found.bundle, c);
  log(`${c.id}: tracing pixel (slow ${pixel.slow}, fast ${pixel.fast}) (${pixelSource}) into ${relative(workspace, found.bundle.dir) || found.bundle.dir}`);

  const prepared = await prepareEngines({ workspace, cases: [c], reference, candidate, settings, signal: opts.signal, onProgress: opts.onProgress, onLog: opts.onLog });
  const traceStart = performance.now();
  const [refRun, candRun] = await runBothTraced(opts, prepared, pixel);
  const traceMs = performance.now() - traceStart;
  throwIfAborted(opts.signal);
  for (const run of [refRun, candRun]) {
    const failure = run.error ?? (run.timedOut ? 'timed out' : run.signal ? `ended by ${run.signal}` : undefined);
    if (failure) throw new TraceRunError(`${c.id}: the ${run.side} (${ENGINE_LABEL[run.engine]}) traced run failed: ${failure}`);
  }
  const compareStart = performance.now();
  const refText = refRun.stdout;
  const candText = candRun.stdout;
  const refTrace = parseTrace(refText);
  const candTrace = parseTrace(candText);
  for (const [run, trace] of [[refRun, refTrace], [candRun, candTrace]] as const) {
    if (!trace.entries.length) {
      throw new TraceRunError(`${c.id}: the ${run.side} (${ENGINE_LABEL[run.engine]}) printed no trace lines for -trace_pixel ${pixel.slow} ${pixel.fast}${run.engine === 'embedded' ? ' (this build of the embedded engine does not trace)' : ''}; its stdout ends: ${run.stdout.trim().split(/\r?\n/).slice(-2).join(' | ') || '(empty)'}`);
    }
  }
  const image = (run: EngineRun) => (run.image && run.fpixels ? { image: run.image, fpixels: run.fpixels } : undefined);
  const diff = compareTraces(refTrace, candTrace, {
    case: c.id, pixel, candidateDtype: opts.candidateDtype ?? dtypeFromFlags(c.flags),
    referenceImage: image(refRun), candidateImage: image(candRun),
    referenceName: ENGINE_LABEL[reference] + (reference === candidate ? ' (reference)' : ''),
    candidateName: ENGINE_LABEL[candidate] + (reference === candidate ? ' (candidate)' : ''),
    knownForks: foldedPolarization(opts) ? ['polar-folded'] : [],
  });
  const compareMs = performance.now() - compareStart;
  const fileStart = performance.now();
  const prefixes = { reference: filePrefix(reference, 'reference', candidate), candidate: filePrefix(candidate, 'candidate', reference) };
  const record = await addTraceToBundle(found.bundle.dir, {
    caseId: c.id, fileStem: c.fileStem, pixel, pixelSource, prefixes,
    engines: { reference: engineWithPreset(refRun.engine, refRun), candidate: engineWithPreset(candRun.engine, candRun) },
    referenceText: refText, candidateText: candText, diff,
    markdown: (files) => renderFirstDivergenceMarkdown(diff, files),
  });
  const fileMs = performance.now() - fileStart;
  opts.onProgress?.({ caseId: c.id, fraction: 1, message: `${c.id}: trace ${diff.verdict} at (${pixel.slow}, ${pixel.fast})` });
  return {
    diff, bundleDir: found.bundle.dir, freshBundle: found.fresh, pixel, pixelSource, record,
    runs: { reference: refRun, candidate: candRun },
    timing: { bundleMs, traceMs, compareMs, fileMs, totalMs: performance.now() - started },
  };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TraceRunError('cancelled');
}

export function dtypeFromFlags(flags: string[]): CandidateDtype {
  return flagValue(flags, '-dtype') === 'float64' ? 'float64' : 'float32';
}

/** The bundle to file into: the one asked for, the newest holding the case, or a fresh parity run of the case. */
async function caseBundle(opts: TraceRunOptions): Promise<{ bundle: Bundle; fresh: boolean }> {
  const c = opts.caseDef;
  const holds = (b: Bundle) => b.cases.some((x) => x.caseId === c.id || x.fileStem === c.fileStem);
  if (opts.bundleDir) {
    const bundle = await readBundle(opts.bundleDir).catch((e: Error) => { throw new TraceRunError(`--bundle ${opts.bundleDir}: ${e.message}`); });
    return { bundle, fresh: false };
  }
  for (const { dir } of await listBundles(opts.workspace, opts.settings)) {
    const bundle = await readBundle(dir).catch(() => undefined);
    if (bundle && holds(bundle)) return { bundle, fresh: false };
  }
  opts.onLog?.(`${c.id}: no bundle holds this case yet: running it first`);
  const bundle = await runParity({
    workspace: opts.workspace, cases: [c], reference: opts.reference, candidate: opts.candidate, settings: opts.settings,
    signal: opts.signal, onProgress: opts.onProgress, onLog: opts.onLog,
  });
  throwIfAborted(opts.signal);
  return { bundle, fresh: true };
}

async function choosePixel(req: PixelRequest, bundle: Bundle, c: Case): Promise<{ pixel: Pixel; source: string }> {
  const inBundle = bundle.cases.find((x) => x.caseId === c.id || x.fileStem === c.fileStem);
  const where = `bundle ${bundle.stamp}`;
  const images = inBundle ? await loadCaseImages(bundle, inBundle.caseId).catch(() => undefined) : undefined;
  if (typeof req === 'object') {
    if (images?.fpixels) {
      const outside = outsideDetector(req, images.fpixels, images.spixels);
      if (outside) throw new TraceRunError(`--pixel ${req.slow},${req.fast}: ${outside}`);
    }
    return { pixel: req, source: `--pixel ${req.slow},${req.fast}` };
  }
  if (!inBundle) throw new TraceRunError(`${where} does not hold ${c.id}, so it has no images to pick the ${req} pixel from; pass --pixel S,F or another --bundle`);
  if (req === 'peak') {
    const p = images?.reference ? peakPixel(images.reference, images.fpixels) : undefined;
    if (!p) throw new TraceRunError(`${where}: ${c.id} has no finite reference image to find its peak in; pass --pixel S,F`);
    return { pixel: p, source: `brightest reference pixel of ${where}` };
  }
  const p = images?.reference && images.candidate ? maxDeltaPixel(images.reference, images.candidate, images.fpixels) : undefined;
  if (!p) throw new TraceRunError(`${where}: ${c.id} lacks a reference/candidate image pair with a finite difference; pass --pixel S,F`);
  return { pixel: p, source: `largest finite |Δ| of ${where}` };
}

/** Exactly one side applies polarization per source inside its sum (embedded fork), the other at the end. */
function foldedPolarization(opts: TraceRunOptions): boolean {
  const perSource = (side: Side, engine: EngineId) => engine === 'torch'
    || (engine === 'embedded' && resolveForks(embeddedOptionsFor(opts.caseDef, side, opts.settings).preset, embeddedOptionsFor(opts.caseDef, side, opts.settings).forks).polarization === 'per-source');
  return perSource('reference', opts.reference) !== perSource('candidate', opts.candidate);
}

/** Both sides concurrently, `-trace_pixel S F` added, each in an empty temporary folder (always removed). */
async function runBothTraced(opts: TraceRunOptions, prepared: PreparedEngines, pixel: Pixel): Promise<[EngineRun, EngineRun]> {
  const { caseDef: c, reference, candidate, settings, workspace } = opts;
  const root = await mkdtemp(join(tmpdir(), 'nb-parity-trace-'));
  const traced: Case = { ...c, flags: [...withoutTraceFlag(c.flags), '-trace_pixel', String(pixel.slow), String(pixel.fast)] };
  try {
    const sides: [Side, EngineId][] = [['reference', reference], ['candidate', candidate]];
    const runs = await Promise.all(sides.map(async ([side, engineId]) => {
      const prefix = filePrefix(engineId, side, side === 'reference' ? candidate : reference);
      const scratch = join(root, prefix);
      await mkdir(scratch);
      const req: EngineRunRequest = {
        caseDef: traced, side, workspace, scratchDir: scratch, outFile: join(scratch, bundleFiles.image(prefix, c.fileStem)), settings,
        embedded: engineId === 'embedded' ? embeddedOptionsFor(c, side, settings) : undefined,
        timeoutMs: settings.timeoutMs?.[side] ?? DEFAULT_TIMEOUT_MS,
        signal: opts.signal,
        onLog: opts.onLog,
        // A trace always runs: its stdout is the evidence, and its scratch folder is gone afterwards.
        reuse: false,
        onProgress: (fraction) => opts.onProgress?.({ caseId: c.id, side, fraction, message: `${c.id} trace ${side} ${Math.round(fraction * 100)}%` }),
      };
      opts.onProgress?.({ caseId: c.id, side, fraction: 0, message: `${c.id}: tracing ${side} (${ENGINE_LABEL[engineId]})` });
      const engine = prepared.engines[engineId];
      if (!engine) throw new ParityError(`no ${engineId} engine prepared`);
      return engine.run(req);
    }));
    return [runs[0], runs[1]];
  } finally {
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** A case that already traces some pixel must trace ours instead (two -trace_pixel flags: the last would win in C). */
function withoutTraceFlag(flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '-trace_pixel') { i += 2; continue; }
    out.push(flags[i]);
  }
  return out;
}
