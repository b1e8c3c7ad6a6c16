// The parity run: cases → both engines concurrently (each in an empty scratch folder) → images → metrics → verdict
// → config diff → evidence bundle. One function, used by the CLI, the palette commands and the Test Explorer.
import { mkdir, readdir, rmdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Bundle, Case, CaseResult, EmbeddedOptions, EngineId, EngineRun, PreflightWarning, ProgressEvent, Side } from '../shared/types.ts';
import type { Engine, EngineRunRequest } from './engines/engine.ts';
import { ENGINE_LABEL } from './engines/engine.ts';
import { buildCBinary, createCEngine, resolveCBinary, RESTRICTED_MESSAGE, type CBinary } from './engines/c/index.ts';
import { createTorchEngine, probeTorch, resolvePython, torchEnv, type PythonChoice, type TorchProbe } from './engines/torch/index.ts';
import { createEmbeddedEngine, defaultPreset } from './engines/embedded/index.ts';
import { computeMetrics } from './metrics/metrics.ts';
import { judge } from './metrics/verdict.ts';
import { diffConfigs } from './diagnosis/configDiff.ts';
import { preflight } from './diagnosis/preflight.ts';
import { differenceImage, encodePng } from './images/png.ts';
import { createBundleDir, phaseDir } from './evidence/stamp.ts';
import { moveNoClobber, writeFileAtomic } from './evidence/atomic.ts';
import { bundleFiles, filePrefix, LAYOUT_VERSION } from './evidence/layout.ts';
import { commandsText, diagnosticsText, engineName, metricsJson, perCaseLines, type CommandEntry } from './evidence/texts.ts';
import { summaryMarkdown } from './evidence/summary.ts';
import { bundleJson } from './evidence/bundleJson.ts';
import { gitCommit } from './workspace/git.ts';
import { shellQuote } from './cases/flags.ts';
import { TOOL_VERSION } from './evidence/version.ts';
import { ParityError, type ParityOptions, type RunSettings } from './settings.ts';

export { ParityError, type ParityOptions, type RunSettings } from './settings.ts';

export interface ParityTiming {
  /** Engine resolution (C build included) and bundle folder creation. */
  prepareMs: number;
  cases: { caseId: string; preflightMs: number; runMs: number; postMs: number }[];
  /** After the last case: waiting for previews, env.json, metrics.json, summary.md... */
  finalizeMs: number;
  /** Part of finalizeMs spent waiting for the preview PNGs. */
  previewWaitMs?: number;
  totalMs: number;
}

/** Default per-side timeout: generous (PyTorch at 1024² takes seconds), but a hung program never blocks forever. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

interface PreparedEngines {
  engines: Partial<Record<EngineId, Engine>>;
  cBinary?: CBinary;
  python?: PythonChoice;
  describe: string[];
  /** Commands run before the cases (the C build), as commands.txt blocks. */
  setupCommands: string[];
}

async function prepareEngines(opts: ParityOptions): Promise<PreparedEngines> {
  const { workspace, settings } = opts;
  const wanted = new Set<EngineId>([opts.reference, opts.candidate]);
  if ((wanted.has('c') || wanted.has('torch')) && !settings.allowPrograms) throw new ParityError(RESTRICTED_MESSAGE);
  const out: PreparedEngines = { engines: {}, describe: [], setupCommands: [] };
  if (wanted.has('c')) {
    let res = await resolveCBinary(workspace, settings.cBinary);
    if (!res.ok && res.buildable && settings.buildC !== false) {
      opts.onProgress?.({ message: 'building the C binary (make -C golden_suite_generator)…' });
      const built = await buildCBinary(workspace, { signal: opts.signal, onLog: opts.onLog });
      if (!built.ok) throw new ParityError(built.message);
      opts.onLog?.(built.message);
      out.setupCommands.push(`# C binary missing: built it (${(built.wallMs / 1000).toFixed(1)} s, status 0)`, `(cd ${shellQuote(workspace)} && ${built.command.map(shellQuote).join(' ')})`);
      res = await resolveCBinary(workspace, settings.cBinary);
    }
    if (!res.ok) throw new ParityError(res.message);
    out.cBinary = res.binary;
    out.engines.c = createCEngine(res.binary);
    out.describe.push(await out.engines.c.describe({ workspace, settings }));
  }
  if (wanted.has('torch')) {
    out.python = resolvePython(workspace, settings.python);
    out.engines.torch = createTorchEngine(out.python);
    out.describe.push(await out.engines.torch.describe({ workspace, settings }));
  }
  if (wanted.has('embedded')) {
    out.engines.embedded = createEmbeddedEngine();
    out.describe.push(await out.engines.embedded.describe({ workspace, settings }));
  }
  return out;
}

/** Run `fn` over `items` with at most `limit` in flight, preserving order of results. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

function embeddedOptionsFor(c: Case, side: Side, settings: RunSettings): EmbeddedOptions {
  const fromCase = c.embedded?.[side];
  const fromSettings = settings.embedded?.[side];
  const preset = fromSettings?.preset ?? fromCase?.preset ?? defaultPreset(side);
  return { preset, forks: { ...(fromCase?.forks ?? {}), ...(fromSettings?.forks ?? {}) }, workers: fromSettings?.workers ?? fromCase?.workers };
}

/** A run that never started (the whole parity run was cancelled first). */
function notStarted(engine: EngineId, side: Side, cwd: string): EngineRun {
  return { engine, side, fpixels: 0, spixels: 0, stdout: '', stderr: '', command: [], env: {}, cwd, wallMs: 0, cancelled: true };
}

export async function runParity(opts: ParityOptions): Promise<Bundle> {
  const { workspace, settings, reference, candidate } = opts;
  if (!opts.cases.length) throw new ParityError('no cases to run; list them with "nb-parity cases"');
  const started = performance.now();
  const log = (line: string) => opts.onLog?.(line);
  const prepared = await prepareEngines(opts);
  for (const d of prepared.describe) log(d);

  const { dir, stamp } = await createBundleDir(phaseDir(workspace, settings));
  // Where the wall time goes (bundle.json `timing`, the bench prints it): orchestration vs simulation.
  const timing: ParityTiming = { prepareMs: performance.now() - started, cases: [], finalizeMs: 0, totalMs: 0 };
  const createdAt = new Date().toISOString();
  log(`evidence bundle: ${dir}`);
  opts.onProgress?.({ message: `bundle ${relative(workspace, dir) || dir}` });

  // env.json facts that need a program (torch version) are gathered while the cases run.
  const torchProbe: Promise<TorchProbe | undefined> = prepared.python && settings.probeTorch !== false
    ? probeTorch(prepared.python.python, workspace, torchEnv(workspace, settings.extraEnv ?? {}), opts.signal)
    : Promise.resolve(undefined);

  const commandEntries: CommandEntry[][] = [];
  const attributions: Record<string, unknown> = {};
  const attributionMarkdown: Record<string, string> = {};
  const previewJobs: Promise<void>[] = [];
  // "The next case has launched its engines": preview encoding waits for it, so it overlaps a simulation.
  let launchWaiters: (() => void)[] = [];
  const notifyLaunch = () => { const w = launchWaiters; launchWaiters = []; for (const f of w) f(); };
  const nextLaunch = () => new Promise<void>((r) => launchWaiters.push(r));
  let markAllDone!: () => void;
  const allCasesDone = new Promise<void>((r) => { markAllDone = r; });
  const frozen = prepared.cBinary?.frozen ? prepared.cBinary.path : undefined;

  const runCase = async (c: Case, index: number): Promise<CaseResult> => {
    const entries: CommandEntry[] = [];
    commandEntries[index] = entries;
    const caseStart = performance.now();
    const pre = await safePreflight(c, workspace, frozen);
    const runStart = performance.now();
    const sides: [Side, EngineId][] = [['reference', reference], ['candidate', candidate]];
    const prefixes = { reference: filePrefix(reference, 'reference', candidate), candidate: filePrefix(candidate, 'candidate', reference) };
    const runs = await Promise.all(sides.map(async ([side, engineId]) => {
      const prefix = prefixes[side];
      const scratch = join(dir, bundleFiles.scratch(prefix, c.fileStem));
      if (opts.signal?.aborted) return notStarted(engineId, side, scratch);
      await mkdir(scratch, { recursive: true });
      const req: EngineRunRequest = {
        caseDef: c, side, workspace, scratchDir: scratch, outFile: join(scratch, bundleFiles.image(prefix, c.fileStem)), settings,
        embedded: engineId === 'embedded' ? embeddedOptionsFor(c, side, settings) : undefined,
        timeoutMs: settings.timeoutMs?.[side] ?? DEFAULT_TIMEOUT_MS,
        signal: opts.signal,
        onLog: log,
        onProgress: (fraction) => opts.onProgress?.({ caseId: c.id, side, fraction, message: `${c.id} ${side} ${Math.round(fraction * 100)}%` }),
      };
      opts.onProgress?.({ caseId: c.id, side, fraction: 0, message: `${c.id}: ${side} (${ENGINE_LABEL[engineId]}) started` });
      const pending = prepared.engines[engineId]!.run(req);
      notifyLaunch();
      const run = await pending;
      opts.onProgress?.({ caseId: c.id, side, fraction: 1, message: `${c.id}: ${side} (${ENGINE_LABEL[engineId]}) ${run.error || run.timedOut || run.cancelled || run.signal ? 'failed' : 'done'} in ${(run.wallMs / 1000).toFixed(2)} s` });
      return run;
    }));
    const [refRun, candRun] = runs;
    const postStart = performance.now();
    const files: CaseResult['files'] = {};
    // Move each side's image and logs into the bundle under the seed's names.
    for (const [side, run] of [['reference', refRun], ['candidate', candRun]] as const) {
      const prefix = prefixes[side];
      const imageName = bundleFiles.image(prefix, c.fileStem);
      const scratch = join(dir, bundleFiles.scratch(prefix, c.fileStem));
      let movedTo: string | undefined;
      if (run.image) {
        await moveNoClobber(join(scratch, imageName), join(dir, imageName)).then(() => { movedTo = imageName; }, (e) => log(`could not move ${imageName}: ${(e as Error).message}`));
      }
      const stdoutName = bundleFiles.stdout(prefix, c.fileStem);
      await writeFileAtomic(join(dir, stdoutName), run.stdout);
      if (run.stderr) await writeFileAtomic(join(dir, bundleFiles.stderr(prefix, c.fileStem)), run.stderr);
      if (side === 'reference') { files.referenceImage = movedTo; files.referenceStdout = stdoutName; } else { files.candidateImage = movedTo; files.candidateStdout = stdoutName; }
      if (run.command.length) entries.push({ caseId: c.id, side, run, movedTo, inProcess: run.engine === 'embedded' });
      await removeIfEmpty(scratch);
    }

    const sameSize = refRun.image && candRun.image && refRun.fpixels === candRun.fpixels && refRun.spixels === candRun.spixels;
    const metrics = sameSize ? computeMetrics(refRun.image!, candRun.image!, refRun.fpixels) : undefined;
    const verdict = judge({ metrics, thresholds: c.thresholds, reference: refRun, candidate: candRun });
    const mismatches = refRun.effectiveConfig && candRun.effectiveConfig
      ? safeDiff(() => diffConfigs(refRun.effectiveConfig!, candRun.effectiveConfig!, { reference, candidate }))
      : [];
    // Previews are for people, not for the verdict: encode them while the next case simulates (the main thread is
    // idle then), and wait for them only before the summary is written.
    // The short pause lets a just-launched next case get its workers going first; after the last case, no pause.
    previewJobs.push(Promise.race([nextLaunch().then(() => true), allCasesDone.then(() => false)])
      .then((launched) => launched ? new Promise<void>((r) => setTimeout(r, 20)) : undefined)
      .then(() => writePreviews(dir, c.fileStem, refRun, candRun, !!sameSize))
      .then((names) => { files.previews = names; }, (e) => { log(`previews for ${c.id} not written: ${(e as Error).message}`); files.previews = []; }));
    const result: CaseResult = {
      caseId: c.id, label: c.label, fileStem: c.fileStem, flags: c.flags, thresholds: c.thresholds,
      reference: refRun, candidate: candRun, metrics, verdict, mismatches, preflight: pre, files,
    };
    opts.onProgress?.({ caseId: c.id, fraction: 1, message: `${c.id}: ${verdict.status} — ${verdict.reason}` });
    if (settings.explain && verdict.status === 'fail' && refRun.image && candRun.image && !opts.signal?.aborted) {
      try {
        const att = await explainCase(c, result, workspace, opts, dir);
        if (att) { attributions[c.fileStem] = att.json; attributionMarkdown[c.fileStem] = att.markdown; }
      } catch (e) {
        log(`${c.id}: attribution failed: ${(e as Error).message}`);
        attributions[c.fileStem] = { status: 'error', error: (e as Error).message };
      }
    }
    timing.cases[index] = { caseId: c.id, preflightMs: runStart - caseStart, runMs: postStart - runStart, postMs: performance.now() - postStart };
    return result;
  };
  // One case's unexpected failure (disk full, a bug) must not lose the other cases' evidence: it becomes an error verdict.
  const results = await mapLimit(opts.cases, settings.concurrency ?? 1, (c, index) => runCase(c, index).catch((err: unknown): CaseResult => {
    const message = `nb-parity failed while running or filing ${c.id}: ${(err as Error)?.message ?? String(err)}`;
    log(message);
    const blank = (side: Side, engine: EngineId): EngineRun => ({ engine, side, fpixels: 0, spixels: 0, stdout: '', stderr: '', command: [], env: {}, cwd: '', wallMs: 0, error: message });
    return {
      caseId: c.id, label: c.label, fileStem: c.fileStem, flags: c.flags, thresholds: c.thresholds,
      reference: blank('reference', reference), candidate: blank('candidate', candidate),
      verdict: { status: 'error', reason: message, failed: [] }, mismatches: [], preflight: [], files: {},
    };
  }));
  const finalizeStart = performance.now();

  markAllDone();
  await Promise.all(previewJobs);
  timing.previewWaitMs = performance.now() - finalizeStart;
  await removeIfEmpty(join(dir, '.scratch'));
  const bundle: Bundle = { dir, stamp, layout: LAYOUT_VERSION, createdAt, workspace, cases: results };
  const env = await envJson(opts, prepared, await torchProbe.catch(() => undefined), stamp, performance.now() - started, bundle);
  const header = [
    `nb-parity ${TOOL_VERSION} parity run ${stamp}: candidate ${engineName(candidate)} vs reference ${engineName(reference)}`,
    `workspace: ${workspace}`,
    ...prepared.describe,
    'each block below runs in its own subshell: copy-paste one to reproduce that run; the two sides of a case ran concurrently',
  ];
  const summaryHeader = [...prepared.describe];
  if (prepared.cBinary?.frozen) summaryHeader.unshift(`⚠️ the FROZEN C binary ./nanoBragg ran (sha256 ${prepared.cBinary.sha256}); build golden_suite_generator/nanoBragg for authoritative evidence`);
  const texts: [string, string][] = [
    [bundleFiles.commands, commandsText(header, commandEntries.flat().filter(Boolean), [
      ...prepared.setupCommands,
      ...(prepared.python && settings.probeTorch !== false ? [`# also ran, for env.json: ${shellQuote(prepared.python.python)} -c '<print torch version and CUDA availability>'`] : []),
    ])],
    [bundleFiles.metrics, metricsJson(bundle, reference, candidate)],
    [bundleFiles.correlation, perCaseLines(bundle, (m) => m.correlation)],
    [bundleFiles.sumRatio, perCaseLines(bundle, (m) => m.sumRatio)],
    [bundleFiles.diagnostics, diagnosticsText(bundle)],
    [bundleFiles.env, `${JSON.stringify(env, null, 2)}\n`],
    [bundleFiles.bundle, bundleJson(bundle, { reference, candidate, attributions })],
    [bundleFiles.summary, summaryMarkdown(bundle, { reference, candidate, header: summaryHeader, attributions, attributionMarkdown, cancelled: opts.signal?.aborted })],
  ];
  if (Object.keys(attributions).length) texts.push([bundleFiles.attribution, `${JSON.stringify(attributions, jsonReplacer, 2)}\n`]);
  // Independent files: written concurrently, each one atomically.
  await Promise.all(texts.map(([name, text]) => writeFileAtomic(join(dir, name), text)));
  bundle.attributions = Object.keys(attributions).length ? attributions : undefined;
  bundle.wallMs = performance.now() - started;
  timing.finalizeMs = performance.now() - finalizeStart;
  timing.totalMs = performance.now() - started;
  bundle.timing = timing;
  return bundle;
}

async function safePreflight(c: Case, workspace: string, frozenBinary?: string): Promise<PreflightWarning[]> {
  try {
    return await preflight({ flags: c.flags, workspace, frozenBinary });
  } catch (err) {
    return [{ code: 'preflight-failed', message: `preflight could not inspect ${c.id}: ${(err as Error).message}` }];
  }
}

function safeDiff<T>(fn: () => T[]): T[] {
  try { return fn(); } catch { return []; }
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length === 0) await rmdir(dir);
  } catch { /* missing or not empty */ }
}

async function writePreviews(dir: string, stem: string, ref: EngineRun, cand: EngineRun, withDiff: boolean): Promise<string[]> {
  const out: string[] = [];
  const put = async (name: string, img: Float32Array, f: number, s: number, kind: 'intensity' | 'difference') => {
    await writeFileAtomic(join(dir, name), encodePng(img, f, s, { kind, scale: kind === 'intensity' ? 'log' : 'linear' }));
    out.push(name);
  };
  if (ref.image) await put(bundleFiles.preview('reference', stem), ref.image, ref.fpixels, ref.spixels, 'intensity');
  if (cand.image) await put(bundleFiles.preview('candidate', stem), cand.image, cand.fpixels, cand.spixels, 'intensity');
  if (withDiff && ref.image && cand.image) await put(bundleFiles.preview('diff', stem), differenceImage(ref.image, cand.image), ref.fpixels, ref.spixels, 'difference');
  return out;
}

/** Hook for `--explain`: attribution lives in src/core/attribution (analysis layer) and is loaded only when asked. */
async function explainCase(c: Case, r: CaseResult, workspace: string, opts: ParityOptions, dir: string): Promise<{ json: unknown; markdown: string } | undefined> {
  const { attributeCase } = await import('./evidence/attributionHook.ts');
  return attributeCase(c, r, workspace, opts, dir);
}

/** Typed arrays (the best model image) do not belong in JSON files. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return `<${(v as Float32Array).length} values>`;
  return v;
}

async function envJson(opts: ParityOptions, p: PreparedEngines, probe: TorchProbe | undefined, stamp: string, wallMs: number, bundle?: Bundle): Promise<Record<string, unknown>> {
  const watched = ['NB_C_BIN', 'NB_PY_BIN', 'KMP_DUPLICATE_LIB_OK', 'NB_RUN_PARALLEL', 'OMP_NUM_THREADS', 'NANOBRAGG_DISABLE_COMPILE', 'PYTHONPATH', 'CUDA_VISIBLE_DEVICES'];
  const envVars: Record<string, string | null> = {};
  for (const k of watched) envVars[k] = process.env[k] ?? null;
  for (const [k, v] of Object.entries(opts.settings.extraEnv ?? {})) envVars[k] = v;
  return {
    tool: { name: 'nb-parity', version: TOOL_VERSION, layout: LAYOUT_VERSION },
    stamp,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    workspace: opts.workspace,
    workspace_git: await gitCommit(opts.workspace) ?? null,
    reference_engine: opts.reference,
    candidate_engine: opts.candidate,
    c_binary: p.cBinary ? { path: p.cBinary.path, sha256: p.cBinary.sha256, origin: p.cBinary.origin, frozen: p.cBinary.frozen } : null,
    NB_C_BIN: process.env.NB_C_BIN ?? null,
    python: p.python ? {
      interpreter: p.python.python, origin: p.python.origin, torch_mode: opts.settings.torchMode ?? 'cold',
      // What actually ran per PyTorch side (warm fork-server or cold), with the authoritative check's outcome.
      torch_runs: bundle?.cases.flatMap((c) => [c.reference, c.candidate].filter((r) => r.engine === 'torch').map((r) => ({
        case: c.caseId, side: r.side, mode: r.info?.mode ?? null, note: r.info?.modeNote ?? null, authoritative: r.info?.authoritative ?? null,
      }))) ?? null,
      python_version: probe?.pythonVersion ?? null, torch_version: probe?.torchVersion ?? null, cuda_available: probe?.cudaAvailable ?? null,
      probe_error: probe?.error ?? null,
    } : null,
    embedded: opts.reference === 'embedded' || opts.candidate === 'embedded'
      ? { reference: opts.reference === 'embedded' ? opts.settings.embedded?.reference ?? { preset: 'c' } : null, candidate: opts.candidate === 'embedded' ? opts.settings.embedded?.candidate ?? { preset: 'pytorch' } : null }
      : null,
    env_vars: envVars,
    extra_env: opts.settings.extraEnv ?? {},
    settings: { concurrency: opts.settings.concurrency ?? 1, timeout_ms: opts.settings.timeoutMs ?? null, allow_programs: opts.settings.allowPrograms, explain: !!opts.settings.explain },
    wall_ms: Math.round(wallMs),
  };
}
