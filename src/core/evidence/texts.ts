// The text files of a bundle, built from the results (pure: no I/O), so the same words reach files, CLI and tests.
import type { Bundle, CaseResult, EngineRun, Metrics, PeakSummary, Thresholds } from '../../shared/types.ts';
import { shellCommentText as oneComment } from '../../shared/mdText.ts';
import { shellQuote } from '../cases/flags.ts';
import { LAYOUT_VERSION, METRICS_SCHEMA, METRICS_VERSION } from './layout.ts';
import { formatNumber } from '../../shared/format.ts';
import { reusedFrom } from '../../shared/reusedRun.ts';

const ENGINE_NAME: Record<string, string> = { c: 'C', torch: 'PyTorch', embedded: 'embedded' };
export const engineName = (id: string): string => ENGINE_NAME[id] ?? id;

/** "embedded (preset pytorch)" when the side is the embedded engine and its run recorded a preset, else the engine's name. */
export function engineWithPreset(engine: string, run?: EngineRun): string {
  const preset = engine === 'embedded' ? run?.info?.preset : undefined;
  return preset ? `${engineName(engine)} (preset ${String(preset)})` : engineName(engine);
}

/** Number → stable text: 6 significant digits like the seed's correlation.txt, n/a for null/NaN. */
export function num(v: number | null | undefined, digits = 6): string {
  return formatNumber(v, { form: 'fixed', digits, plain: [1e-4, 1e7], exponentDigits: digits - 1, nan: 'n/a', posInf: 'inf', negInf: '-inf' });
}

const jsonNum = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Metrics in the snake_case names of numpy's expected-metrics.json (sum_ref, nan_cand...), plus a few more. */
export function metricsFields(m: Metrics | undefined): Record<string, unknown> {
  if (!m) return { correlation: null, sum_ratio: null };
  return {
    pixels: m.pixels,
    correlation: jsonNum(m.correlation),
    sum_ratio: jsonNum(m.sumRatio),
    mse: jsonNum(m.mse),
    rmse: jsonNum(m.rmse),
    max_abs_diff: jsonNum(m.maxAbsDiff),
    max_abs_diff_at: m.maxAbsDiffAt,
    sum_ref: jsonNum(m.sumReference),
    sum_cand: jsonNum(m.sumCandidate),
    mean_ref: jsonNum(m.meanReference),
    mean_cand: jsonNum(m.meanCandidate),
    nan_ref: m.nanReference,
    nan_cand: m.nanCandidate,
    inf_ref: m.infReference,
    inf_cand: m.infCandidate,
    finite_pixels: m.finitePixels,
    argmax_ref: m.argmaxReference,
    argmax_cand: m.argmaxCandidate,
    peak_distance: jsonNum(m.peakDistance),
  };
}

/** metrics.json `roi`: the region (inclusive bounds) and its metrics, positions in full-frame coordinates. */
export function roiFields(c: CaseResult): Record<string, unknown> | undefined {
  if (!c.roi) return undefined;
  return { x0: c.roi.x0, x1: c.roi.x1, y0: c.roi.y0, y1: c.roi.y1, ...(c.roiMetrics ? metricsFields(c.roiMetrics) : { correlation: null, sum_ratio: null }) };
}

/** metrics.json `peaks`, in the file's snake_case. */
export function peaksFields(p: PeakSummary | undefined): Record<string, unknown> | undefined {
  if (!p) return undefined;
  return {
    reference_peaks: p.referencePeaks,
    candidate_peaks: p.candidatePeaks,
    matched: p.matched,
    mean_distance: jsonNum(p.meanDistance),
    max_distance: jsonNum(p.maxDistance),
    unmatched_reference: p.unmatchedReference,
    unmatched_candidate: p.unmatchedCandidate,
    unmatched_reference_count: p.unmatchedReferenceCount,
    unmatched_candidate_count: p.unmatchedCandidateCount,
    rel_threshold: p.options.relThreshold,
    abs_threshold: p.options.absThreshold,
    max_peaks: p.options.maxPeaks,
    match_radius: p.options.matchRadius,
  };
}

export function thresholdsFields(t: Thresholds): Record<string, number> {
  const out: Record<string, number> = {};
  if (t.corrMin !== undefined) out.corr_min = t.corrMin;
  if (t.sumRatioTol !== undefined) out.sum_ratio_tol = t.sumRatioTol;
  if (t.sumRatioMin !== undefined) out.sum_ratio_min = t.sumRatioMin;
  if (t.sumRatioMax !== undefined) out.sum_ratio_max = t.sumRatioMax;
  if (t.maxAbsMax !== undefined) out.max_abs_max = t.maxAbsMax;
  if (t.rmseMax !== undefined) out.rmse_max = t.rmseMax;
  return out;
}

function runFields(r: EngineRun, file?: string): Record<string, unknown> {
  return {
    engine: r.engine,
    image: file ?? null,
    exit_code: r.exitCode ?? null,
    signal: r.signal ?? null,
    timed_out: !!r.timedOut,
    cancelled: !!r.cancelled,
    error: r.error ?? null,
    wall_ms: Math.round(r.wallMs * 10) / 10,
    sim_ms: r.simMs !== undefined ? Math.round(r.simMs * 10) / 10 : null,
    fpixels: r.fpixels,
    spixels: r.spixels,
  };
}

export function metricsJson(b: Bundle, reference: string, candidate: string): string {
  const cases: Record<string, unknown> = {};
  for (const c of b.cases) {
    // Stems are unique per bundle (loadCases enforces it); an API caller's duplicate must not hide the first case.
    const key = c.fileStem in cases ? c.caseId : c.fileStem;
    cases[key] = {
      case_id: c.caseId,
      label: c.label,
      verdict: c.verdict.status,
      reason: c.verdict.reason,
      failed: c.verdict.failed,
      thresholds: thresholdsFields(c.thresholds),
      ...metricsFields(c.metrics),
      roi: roiFields(c),
      peaks: peaksFields(c.peaks),
      reference: runFields(c.reference, c.files.referenceImage),
      candidate: runFields(c.candidate, c.files.candidateImage),
      mismatches: c.mismatches,
      preflight: c.preflight,
    };
  }
  return `${JSON.stringify({
    schema: METRICS_SCHEMA,
    version: METRICS_VERSION,
    layout: LAYOUT_VERSION,
    stamp: b.stamp,
    created_at: b.createdAt,
    reference_engine: reference,
    candidate_engine: candidate,
    cases,
  }, null, 2)}\n`;
}

/** correlation.txt / sum_ratio.txt: `tc_d1:0.999994`, one case per line (the seed's format). */
export function perCaseLines(b: Bundle, pick: (m: Metrics) => number | null): string {
  return b.cases.map((c) => `${c.fileStem}:${c.metrics ? num(pick(c.metrics)) : 'n/a'}`).join('\n') + '\n';
}

function diagBlock(label: string, r: EngineRun): string[] {
  const e = r.effectiveConfig ?? {};
  const unknown = r.engine === 'torch' ? 'not printed by PyTorch' : 'not reported';
  const v = (x: unknown) => (x === undefined || x === null ? `unknown (${unknown})` : String(x));
  const nSources = e.nSources ?? e.sources?.length;
  const os = e.oversample;
  const steps = nSources !== undefined && e.phiSteps !== undefined && e.mosaicDomains !== undefined && os !== undefined
    ? nSources * e.phiSteps * e.mosaicDomains * os * os : undefined;
  const lines = [
    `${label}`,
    `n_sources: ${v(nSources)}`,
    `phi_steps: ${v(e.phiSteps)}`,
    `mosaic_domains: ${v(e.mosaicDomains)}`,
    `oversample: ${v(os)}`,
    `steps: ${v(steps)}`,
    `fluence: ${e.fluence !== undefined ? e.fluence.toExponential(6) : v(undefined)}`,
    `N_cells: ${e.nCells ? e.nCells.join('x') : v(undefined)}${e.nCellsBasis ? ` (${e.nCellsBasis})` : ''}`,
  ];
  if (e.readsFdump) lines.push('reads Fdump.bin: yes (hidden state from the working folder)');
  return lines;
}

/** simulator_diagnostics.txt: per case and side, the seed's fields from what each simulator reported. */
export function diagnosticsText(b: Bundle): string {
  const out: string[] = [];
  for (const c of b.cases) {
    out.push(...diagBlock(`[${c.caseId}] reference (${engineName(c.reference.engine)})`, c.reference), '');
    out.push(...diagBlock(`[${c.caseId}] candidate (${engineName(c.candidate.engine)})`, c.candidate), '');
  }
  return out.join('\n');
}

export interface CommandEntry { caseId: string; side: string; run: EngineRun; movedTo?: string; inProcess?: boolean }

/** commands.txt: each command as run, in a subshell that recreates its cwd and environment (copy-paste reproducible). */
export function commandsText(header: string[], entries: CommandEntry[], extra: string[] = []): string {
  const out = header.map((h) => `# ${oneComment(h)}`);
  out.push('');
  for (const line of extra) out.push(line);
  if (extra.length) out.push('');
  for (const e of entries) {
    const r = e.run;
    const outcome = reusedFrom(r) ? 'reused, not run' : r.cancelled ? 'cancelled' : r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : r.exitCode !== undefined ? `exit ${r.exitCode}` : 'not started';
    out.push(`# ${oneComment(`[${e.caseId}] ${e.side} (${engineName(r.engine)}) — ${outcome}, ${(r.wallMs / 1000).toFixed(2)} s${e.movedTo ? `; image ${reusedFrom(r) ? `copied to ${e.movedTo}` : `moved to ${e.movedTo}`}` : ''}`)}`);
    // `nb-parity` is on PATH only where the package is installed globally; say how else to call it.
    if (e.inProcess) out.push('# ran in-process; this is the equivalent command line (nb-parity = `npx nb-parity` in the nanoBragg Parity checkout, or `node <that checkout>/bin/nb-parity.mjs`)');
    if (r.info?.mode === 'warm') out.push(`# ran in the warm PyTorch fork-server (torch pre-imported, the port imported fresh); this is the equivalent cold command line${r.info.authoritative ? `; authoritative check: ${oneComment(String(r.info.authoritative))}` : ''}`);
    if (r.info?.authoritativeBasis) out.push(`# verification: ${oneComment(String(r.info.authoritativeBasis))}`);
    if (r.info?.modeNote) out.push(`# ${oneComment(String(r.info.modeNote))}`);
    // A C side reused from an identical earlier run (engines/c/reuse.ts) says so, and a real one why it ran.
    if (r.info?.reuseNote) out.push(`# ${reusedFrom(r) ? '' : 'C reuse: '}${oneComment(String(r.info.reuseNote))}`);
    const envs = Object.entries(r.env);
    out.push('(');
    out.push(`  mkdir -p ${shellQuote(r.cwd)} && cd ${shellQuote(r.cwd)} &&`);
    if (envs.length) out.push(`  export ${envs.map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')} &&`);
    out.push(`  ${r.command.map(shellQuote).join(' ')}`);
    out.push(')');
    out.push('');
  }
  return out.join('\n');
}
