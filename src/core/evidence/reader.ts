// Reading bundles back: ours (bundle.json + metrics.json) exactly, older layouts tolerantly — the seed's
// {tc_d1: {correlation, sum_ratio}}, nb_compare's summary.json, camelCase or listed cases, or just a pile of
// c_*.bin / py_*.bin files with no metrics at all. Missing pieces become "unknown", never a crash.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Bundle, CaseResult, EngineId, EngineRun, Metrics, Side, Thresholds, Verdict, WhatIf } from '../../shared/types.ts';
import type { RunSettings } from '../settings.ts';
import { decodeFloat32LE, expectedSizeFromFlags, readFloatImage, sizeFromStdout } from '../images/floatImage.ts';
import { SEED_THRESHOLDS } from '../cases/builtin.ts';
import { fmt, thresholdMisses } from '../metrics/verdict.ts';
import { bundleFiles, LAYOUT_VERSION } from './layout.ts';
import { DEFAULT_REPORTS_ROOT, STAMP_RE, stampToDate } from './stamp.ts';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch { return undefined; }
  try { return JSON.parse(text); } catch (e) { throw new Error(`${file}: not valid JSON (${(e as Error).message})`); }
}

const readText = (file: string) => readFile(file, 'utf8').catch(() => '');

export async function readBundle(dir: string): Promise<Bundle> {
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) throw new Error(`${dir}: not an evidence bundle folder (it does not exist or is not a folder)`);
  const ours = await readJson(join(dir, bundleFiles.bundle));
  if (isObj(ours) && Array.isArray(ours.cases)) return readOurs(dir, ours);
  return readLegacy(dir);
}

async function readOurs(dir: string, j: Json): Promise<Bundle> {
  const cases = j.cases as CaseResult[];
  for (const c of cases) {
    for (const side of ['reference', 'candidate'] as const) {
      const run = c[side];
      const stdoutFile = side === 'reference' ? c.files.referenceStdout : c.files.candidateStdout;
      run.stdout = stdoutFile ? await readText(join(dir, stdoutFile)) : '';
      run.stderr = stdoutFile ? await readText(join(dir, stdoutFile.replace('_stdout_', '_stderr_'))) : '';
    }
  }
  const attributions = await readJson(join(dir, bundleFiles.attribution)).catch(() => undefined);
  return {
    dir,
    stamp: typeof j.stamp === 'string' ? j.stamp : basename(dir),
    layout: typeof j.layout === 'string' ? j.layout : LAYOUT_VERSION,
    createdAt: typeof j.createdAt === 'string' ? j.createdAt : '',
    workspace: typeof j.workspace === 'string' ? j.workspace : undefined,
    cases,
    attributions: isObj(attributions) ? attributions : undefined,
    ...(isObj(j.whatIf) && Array.isArray(j.whatIf.flags) ? { whatIf: j.whatIf as unknown as WhatIf } : {}),
  };
}

// ---------- older layouts ----------

const num = (o: Json, ...keys: string[]): number | null => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
};

function legacyMetrics(o: Json): Metrics | undefined {
  const m = isObj(o.metrics) ? { ...o, ...o.metrics } : o;
  const correlation = num(m, 'correlation', 'corr', 'pearson', 'pearson_r');
  const sumRatio = num(m, 'sum_ratio', 'sumRatio', 'ratio');
  if (correlation === null && sumRatio === null) return undefined;
  const sumReference = num(m, 'sum_ref', 'c_sum', 'sumReference', 'reference_sum', 'sum_c') ?? NaN;
  const sumCandidate = num(m, 'sum_cand', 'py_sum', 'sumCandidate', 'candidate_sum', 'sum_py') ?? NaN;
  return {
    pixels: num(m, 'pixels', 'n_pixels') ?? 0,
    correlation, sumRatio,
    mse: num(m, 'mse'), rmse: num(m, 'rmse'), maxAbsDiff: num(m, 'max_abs_diff', 'maxAbsDiff', 'max_abs'),
    maxAbsDiffAt: null,
    sumReference, sumCandidate, meanReference: NaN, meanCandidate: NaN,
    nanReference: num(m, 'nan_ref', 'nanReference') ?? 0, nanCandidate: num(m, 'nan_cand', 'nanCandidate') ?? 0,
    infReference: 0, infCandidate: 0, finitePixels: num(m, 'finite_pixels') ?? 0,
    argmaxReference: num(m, 'argmax_ref'), argmaxCandidate: num(m, 'argmax_cand'), peakDistance: num(m, 'peak_distance', 'peak_dist'),
  };
}

function legacyThresholds(o: Json): { t: Thresholds; recorded: boolean } {
  const t = isObj(o.thresholds) ? o.thresholds : undefined;
  if (!t) return { t: { ...SEED_THRESHOLDS }, recorded: false };
  const out: Thresholds = {};
  const set = (k: keyof Thresholds, ...names: string[]) => { const v = num(t, ...names); if (v !== null) out[k] = v; };
  set('corrMin', 'corr_min', 'corrMin'); set('sumRatioTol', 'sum_ratio_tol', 'sumRatioTol');
  set('sumRatioMin', 'sum_ratio_min', 'sumRatioMin'); set('sumRatioMax', 'sum_ratio_max', 'sumRatioMax');
  set('maxAbsMax', 'max_abs_max', 'maxAbsMax'); set('rmseMax', 'rmse_max', 'rmseMax');
  return { t: out, recorded: true };
}

function legacyVerdict(o: Json, m: Metrics | undefined, t: Thresholds, recorded: boolean): Verdict {
  const v = o.verdict ?? o.status ?? o.result;
  const word = typeof v === 'string' ? v.toLowerCase() : isObj(v) && typeof v.status === 'string' ? v.status.toLowerCase() : undefined;
  const reason = typeof o.reason === 'string' ? o.reason : isObj(v) && typeof v.reason === 'string' ? v.reason : undefined;
  if (word && /^(pass|ok|success)/.test(word)) return { status: 'pass', reason: reason ?? 'recorded as pass', failed: [] };
  if (word && /^fail/.test(word)) return { status: 'fail', reason: reason ?? 'recorded as fail', failed: [] };
  if (word && /^(error|crash)/.test(word)) return { status: 'error', reason: reason ?? 'recorded as error', failed: [] };
  if (!m) return { status: 'error', reason: 'this older bundle records no metrics for the case', failed: [] };
  const failed = thresholdMisses(m, t);
  const basis = recorded ? 'judged now with the thresholds it records' : "judged now with the seed's corr ≥ 0.999, |sum ratio − 1| ≤ 1e-3 (the bundle records no verdict)";
  return failed.length
    // Formatted like our own verdicts (6 significant digits), not the 16-digit floats an old metrics.json holds.
    ? { status: 'fail', reason: `${failed.map((f) => `${f.metric} ${fmt(f.value)} (needs ${f.limit}; ${f.by})`).join('; ')} — ${basis}`, failed }
    : { status: 'pass', reason: basis, failed: [] };
}

const PREFIX_ENGINE: [RegExp, EngineId, Side][] = [[/^c_(.+)\.bin$/, 'c', 'reference'], [/^py_(.+)\.bin$/, 'torch', 'candidate'], [/^emb_(?:ref_)?(.+)\.bin$/, 'embedded', 'reference']];

function legacyRun(engine: EngineId, side: Side): EngineRun {
  return { engine, side, fpixels: 0, spixels: 0, stdout: '', stderr: '', command: [], env: {}, cwd: '', wallMs: 0 };
}

async function readLegacy(dir: string): Promise<Bundle> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const metrics = await readJson(join(dir, 'metrics.json'));
  const summary = await readJson(join(dir, 'summary.json'));
  const raw: { stem: string; o: Json }[] = [];
  const container = isObj(metrics) ? (metrics.cases ?? metrics.results ?? metrics) : Array.isArray(metrics) ? metrics : undefined;
  if (Array.isArray(container)) {
    container.forEach((c, i) => { if (isObj(c)) raw.push({ stem: String(c.fileStem ?? c.file_stem ?? c.case ?? c.id ?? c.case_id ?? `case${i + 1}`), o: c }); });
  } else if (isObj(container)) {
    if (legacyMetrics(container)) raw.push({ stem: 'case', o: container });
    else for (const [k, v] of Object.entries(container)) if (isObj(v)) raw.push({ stem: k, o: v });
  }
  if (!raw.length && isObj(summary) && legacyMetrics(summary)) raw.push({ stem: String(summary.case ?? summary.name ?? 'nb_compare'), o: summary });
  // Image pairs with no metrics at all still show up, so old evidence can be viewed.
  const stems = new Set(raw.map((r) => r.stem.toLowerCase()));
  for (const n of names) {
    for (const [re] of PREFIX_ENGINE) {
      const m = re.exec(n);
      if (m && !stems.has(m[1].toLowerCase())) { stems.add(m[1].toLowerCase()); raw.push({ stem: m[1], o: {} }); }
    }
  }
  const cases: CaseResult[] = [];
  for (const { stem, o } of raw) {
    const fileStem = stem.toLowerCase().replace(/-/g, '_');
    const m = legacyMetrics(o);
    const { t, recorded } = legacyThresholds(o);
    const find = (prefixes: string[]) => prefixes.map((p) => `${p}_${fileStem}.bin`).find((f) => names.includes(f));
    const refImage = find(['c', 'emb_ref', 'emb']);
    const candImage = find(['py', 'emb_cand']);
    const refEngine: EngineId = refImage?.startsWith('emb') ? 'embedded' : 'c';
    const candEngine: EngineId = candImage?.startsWith('emb') ? 'embedded' : 'torch';
    const logFor = (img?: string) => (img ? img.replace(/^(c|py|emb_ref|emb_cand|emb)_/, '$1_stdout_').replace(/\.bin$/, '.log') : undefined);
    const refLog = logFor(refImage);
    const candLog = logFor(candImage);
    const reference = legacyRun(refEngine, 'reference');
    const candidate = legacyRun(candEngine, 'candidate');
    if (refLog && names.includes(refLog)) reference.stdout = await readText(join(dir, refLog));
    if (candLog && names.includes(candLog)) candidate.stdout = await readText(join(dir, candLog));
    cases.push({
      caseId: String(o.case_id ?? o.caseId ?? o.id ?? stem.toUpperCase().replace(/_/g, '-')),
      label: String(o.label ?? o.case_id ?? stem),
      fileStem,
      flags: Array.isArray(o.flags) ? o.flags.map(String) : Array.isArray(o.args) ? o.args.map(String) : [],
      thresholds: t,
      reference, candidate, metrics: m,
      verdict: legacyVerdict(o, m, t, recorded),
      mismatches: Array.isArray(o.mismatches) ? (o.mismatches as CaseResult['mismatches']) : [],
      preflight: [],
      files: {
        referenceImage: refImage, candidateImage: candImage,
        referenceStdout: refLog && names.includes(refLog) ? refLog : undefined,
        candidateStdout: candLog && names.includes(candLog) ? candLog : undefined,
        previews: names.filter((n) => n.endsWith('.png')),
      },
    });
  }
  const stamp = basename(dir);
  const created = stampToDate(stamp);
  return { dir, stamp, layout: 'legacy', createdAt: created ? created.toISOString() : '', cases };
}

// ---------- images ----------

async function sizeOf(dir: string, c: CaseResult, file: string): Promise<{ fpixels: number; spixels: number } | undefined> {
  for (const run of [c.reference, c.candidate]) if (run.fpixels > 0 && run.spixels > 0) return { fpixels: run.fpixels, spixels: run.spixels };
  for (const run of [c.reference, c.candidate]) { const s = sizeFromStdout(run.stdout); if (s) return s; }
  if (c.flags.length) { const s = expectedSizeFromFlags(c.flags); if (s) return s; }
  // Last resort for bare old bundles: a square image.
  const bytes = (await stat(join(dir, file)).catch(() => undefined))?.size;
  if (bytes && bytes % 4 === 0) { const side = Math.sqrt(bytes / 4); if (Number.isInteger(side)) return { fpixels: side, spixels: side }; }
  return undefined;
}

export async function loadCaseImages(bundle: Bundle, caseId: string):
  Promise<{ reference?: Float32Array; candidate?: Float32Array; model?: Float32Array; fpixels: number; spixels: number }> {
  const c = bundle.cases.find((x) => x.caseId === caseId || x.fileStem === caseId);
  if (!c) throw new Error(`${bundle.dir}: no case "${caseId}" in this bundle (it has ${bundle.cases.map((x) => x.caseId).join(', ') || 'none'})`);
  const anyFile = c.files.referenceImage ?? c.files.candidateImage;
  const size = anyFile ? await sizeOf(bundle.dir, c, anyFile) : undefined;
  if (!size) return { fpixels: 0, spixels: 0 };
  // A bundle fresh from runParity still holds the images it just filed: use them instead of reading them back.
  const load = async (f: string | undefined, run: EngineRun) => {
    if (!f) return undefined;
    if (run.image && run.image.length === size.fpixels * size.spixels) return run.image;
    return readFloatImage(join(bundle.dir, f), size);
  };
  const [reference, candidate] = await Promise.all([load(c.files.referenceImage, c.reference), load(c.files.candidateImage, c.candidate)]);
  const modelBytes = await readFile(join(bundle.dir, bundleFiles.model(c.fileStem))).catch(() => undefined);
  const model = modelBytes && modelBytes.byteLength === size.fpixels * size.spixels * 4 ? decodeFloat32LE(modelBytes) : undefined;
  return { reference, candidate, model, ...size };
}

// ---------- listing ----------

export async function listBundles(workspace: string, settings: Partial<RunSettings> = {}): Promise<{ dir: string; stamp: string }[]> {
  const root = join(workspace, settings.reportsRoot ?? DEFAULT_REPORTS_ROOT);
  const subdirs = async (d: string) => (await readdir(d, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
  const initiatives = settings.initiative ? [settings.initiative] : await subdirs(root);
  const out: { dir: string; stamp: string }[] = [];
  for (const ini of initiatives) {
    const phases = settings.phase ? [settings.phase] : await subdirs(join(root, ini));
    for (const ph of phases) {
      for (const name of await subdirs(join(root, ini, ph))) if (STAMP_RE.test(name)) out.push({ dir: join(root, ini, ph, name), stamp: name });
    }
  }
  return out.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : a.dir < b.dir ? 1 : -1));
}
