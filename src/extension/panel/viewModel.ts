// Pure: an evidence Bundle (+ trend of earlier bundles) → the webview's ViewModel and the list of images to send.
// No vscode import, unit-tested in Node.
import * as path from 'node:path';
import type { Bundle, CaseResult, EffectiveConfig, EngineRun } from '../../shared/types.ts';
import type {
  AttributionView, BeamCenter, CaseView, EngineView, ImageRef, ImageRole, TrendPoint, ViewModel,
} from '../../shared/messages.ts';
import type { CompareInfo, CompareSideLabels } from '../../shared/compareMessages.ts';
import { reusedFrom } from '../../shared/reusedRun.ts';
import { expectedSizeFromFlags } from '../../core/images/floatImage.ts';
import { suggestFixes } from '../../core/diagnosis/fixSuggestions.ts';
import { isWhatIfId } from '../../core/cases/whatIf.ts';

export interface ViewModelOptions {
  readOnly: boolean;
  readOnlyReason?: string;
  notice?: string;
  actions?: ViewModel['actions'];
  /** Earlier bundles' points per case id (any order; sorted here, oldest first). */
  trend?: Map<string, TrendPoint[]>;
  /** Images that exist for each case (from the bundle's files or loadCaseImages); default: reference + candidate when their files are named. */
  availableImages?: Map<string, ImageRole[]>;
  /** Compare view (core/compare/compareView.ts): the two bundles and each synthetic case's panel labels. */
  compare?: CompareInfo;
  sides?: Map<string, CompareSideLabels>;
  /** Why the host turned an action off (shown on its button). */
  actionReasons?: ViewModel['actionReasons'];
}

/** A what-if bundle (marked, or with a suffixed case id as `record` checks): it gets no suggestions and no Record. */
export function isWhatIfBundle(bundle: Pick<Bundle, 'whatIf' | 'cases'>): boolean {
  return !!bundle.whatIf || bundle.cases.some((c) => isWhatIfId(c.caseId));
}

export const WHAT_IF_NO_RECORD = 'a what-if is never recorded as the case itself: apply the fix to the case (or the port) and re-run to record an attempt';

/** The banner of a what-if bundle: what was tried, on which cases, and why Record is off. */
export function whatIfNotice(bundle: Pick<Bundle, 'whatIf' | 'cases'>): string | undefined {
  if (!isWhatIfBundle(bundle)) return undefined;
  const w = bundle.whatIf;
  const what = w ? `${w.flags.join(' ')} on both sides of ${w.of.join(', ')}` : 'a case with the ~whatif suffix';
  return `What-if run (${what}). Record is off: ${WHAT_IF_NO_RECORD}.`;
}

export type OutgoingImage = ImageRef & { caseId: string };

export function imageId(stamp: string, caseId: string, role: ImageRole): string {
  return `${stamp}/${caseId}/${role}`;
}

const ENGINE_NAME = { c: 'C', torch: 'PyTorch', embedded: 'embedded' } as const;

function engineView(run: EngineRun, workspace?: string): EngineView {
  let label: string = ENGINE_NAME[run.engine];
  const prog = run.command[0];
  if (run.engine === 'embedded') {
    const preset = run.effectiveConfig?.embedded?.preset;
    if (preset) label += ` preset=${preset}`;
  } else if (prog) {
    const shown = workspace && path.isAbsolute(prog) && !path.relative(workspace, prog).startsWith('..') ? path.relative(workspace, prog) : prog;
    label += ` (${shown})`;
  }
  const mode = run.info?.['mode'] ?? run.info?.['torchMode'];
  if (run.engine === 'torch' && typeof mode === 'string') label += ` ${mode}`;
  // A C side copied from an identical earlier run (engines/c/reuse.ts): its time is the copy's, say so.
  if (reusedFrom(run)) label += ' reused';
  const v: EngineView = { engine: run.engine, label, wallMs: run.wallMs };
  if (run.exitCode !== undefined) v.exitCode = run.exitCode;
  if (run.error) v.error = run.error;
  return v;
}

const ROTATION_FLAGS = /^-(detector_rot[xyz]|detector_abc|twotheta|pix0_vector|[fso]det_vector|beam_vector|polar_vector|spindle_axis|curved_det|xds|dials|adxv|denzo|custom)/;

/**
 * Beam centre in continuous pixel indices (pixel centres at integers), from the MOSFLM pix0 vector:
 * pix0 = distance·b − Fbeam·f − Sbeam·s with f = (0,0,1), s = (0,−1,0), and the beam at Fbeam/pixel − 0.5.
 * Only for plain MOSFLM geometry (no rotations, custom vectors or other conventions): otherwise undefined.
 */
export function beamCenterFrom(cfg: EffectiveConfig | undefined, flags: string[]): BeamCenter | undefined {
  if (!cfg?.pix0 || !cfg.detector?.pixelM) return undefined;
  if (cfg.convention && !/mosflm/i.test(cfg.convention)) return undefined;
  if (flags.some((f) => ROTATION_FLAGS.test(f))) return undefined;
  const px = cfg.detector.pixelM;
  const fast = -cfg.pix0[2] / px - 0.5;
  const slow = cfg.pix0[1] / px - 0.5;
  if (!Number.isFinite(fast) || !Number.isFinite(slow)) return undefined;
  return { fast: Math.round(fast * 1e6) / 1e6, slow: Math.round(slow * 1e6) / 1e6 };
}

function caseSize(r: CaseResult): { fpixels: number; spixels: number } {
  for (const run of [r.reference, r.candidate]) if (run.fpixels > 0 && run.spixels > 0) return { fpixels: run.fpixels, spixels: run.spixels };
  // A run that crashed before printing its size: fall back to what the flags ask for (the webview needs W×H ≥ 1).
  return expectedSizeFromFlags(r.flags) ?? { fpixels: 1, spixels: 1 };
}

/** Attribution, when the orchestration attached one to the case result (optional field; shape checked loosely). */
function attributionView(r: CaseResult, stamp: string): AttributionView | undefined {
  const a = (r as CaseResult & { attribution?: unknown }).attribution as Record<string, unknown> | undefined;
  if (!a || typeof a !== 'object' || typeof a['status'] !== 'string') return undefined;
  const steps = Array.isArray(a['steps']) ? (a['steps'] as Record<string, unknown>[]) : [];
  const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  const residual = a['residual'] as Record<string, unknown> | undefined;
  const view: AttributionView = {
    status: a['status'] as AttributionView['status'],
    summary: typeof a['summary'] === 'string' ? a['summary'] : String(a['status']),
    steps: steps.map((s) => ({
      label: typeof s['label'] === 'string' ? s['label'] : `${String(s['fork'] ?? '')}=${String(s['value'] ?? '')}`,
      fork: typeof s['fork'] === 'string' ? s['fork'] : undefined,
      value: typeof s['value'] === 'string' ? s['value'] : undefined,
      correlation: num(s['correlation']),
      sumRatio: num(s['sumRatio']),
      note: typeof s['note'] === 'string' ? s['note'] : undefined,
    })),
  };
  if (a['forks'] && typeof a['forks'] === 'object') view.forks = a['forks'] as AttributionView['forks'];
  if (residual) view.residual = { correlation: num(residual['correlation']), sumRatio: num(residual['sumRatio']) };
  view.modelImageId = imageId(stamp, r.caseId, 'model');
  return view;
}

export function buildViewModel(bundle: Bundle, opts: ViewModelOptions): { viewModel: ViewModel; images: OutgoingImage[] } {
  const images: OutgoingImage[] = [];
  const cases: CaseView[] = bundle.cases.map((r) => {
    const size = caseSize(r);
    const roles = opts.availableImages?.get(r.caseId)
      ?? ([r.files.referenceImage ? 'reference' : undefined, r.files.candidateImage ? 'candidate' : undefined].filter(Boolean) as ImageRole[]);
    const attribution = attributionView(r, bundle.stamp);
    if (attribution && !roles.includes('model')) delete attribution.modelImageId;
    const refs: ImageRef[] = roles.map((role) => ({ id: imageId(bundle.stamp, r.caseId, role), role, fpixels: size.fpixels, spixels: size.spixels }));
    for (const ref of refs) images.push({ ...ref, caseId: r.caseId });
    const trend = [...(opts.trend?.get(r.caseId) ?? [])].sort((a, b) => a.stamp.localeCompare(b.stamp));
    const cv: CaseView = {
      caseId: r.caseId,
      label: r.label,
      fileStem: r.fileStem,
      flags: r.flags,
      thresholds: r.thresholds,
      fpixels: size.fpixels,
      spixels: size.spixels,
      reference: engineView(r.reference, bundle.workspace),
      candidate: engineView(r.candidate, bundle.workspace),
      verdict: r.verdict,
      mismatches: r.mismatches ?? [],
      preflight: r.preflight ?? [],
      trend,
      images: refs,
    };
    if (r.metrics) cv.metrics = r.metrics;
    if (r.roi) cv.roi = r.roi;
    if (r.roiMetrics) cv.roiMetrics = r.roiMetrics;
    if (r.peaks) cv.peaks = r.peaks;
    if (attribution) cv.attribution = attribution;
    const sides = opts.sides?.get(r.caseId);
    if (sides) cv.sides = sides;
    // What the diagnosis suggests trying (a what-if); never on a compare view's synthetic cases or a what-if itself.
    if (!opts.compare && !isWhatIfBundle(bundle)) {
      const suggestions = suggestFixes({ ...r, attribution: (r as { attribution?: unknown }).attribution ?? bundle.attributions?.[r.fileStem] });
      if (suggestions.length) cv.suggestions = suggestions;
    }
    const beam = beamCenterFrom(r.reference.effectiveConfig ?? r.candidate.effectiveConfig, r.flags);
    if (beam) cv.beamCenter = beam;
    return cv;
  });
  const viewModel: ViewModel = {
    bundleDir: bundle.dir,
    stamp: bundle.stamp,
    layout: bundle.layout,
    createdAt: bundle.createdAt,
    readOnly: opts.readOnly,
    cases,
  };
  if (opts.readOnlyReason) viewModel.readOnlyReason = opts.readOnlyReason;
  if (opts.notice) viewModel.notice = opts.notice;
  if (opts.actions) viewModel.actions = opts.actions;
  if (opts.compare) viewModel.compare = opts.compare;
  if (opts.actionReasons) viewModel.actionReasons = opts.actionReasons;
  if (bundle.whatIf) viewModel.whatIf = bundle.whatIf;
  return { viewModel, images };
}

/** Trend points per case from earlier bundles (those not newer than `upTo`), the bundle itself included. */
export function trendFrom(bundles: Pick<Bundle, 'stamp' | 'dir' | 'cases'>[], upTo: string): Map<string, TrendPoint[]> {
  const out = new Map<string, TrendPoint[]>();
  for (const b of bundles) {
    if (b.stamp > upTo) continue;
    for (const c of b.cases) {
      const list = out.get(c.caseId) ?? [];
      if (list.some((p) => p.stamp === b.stamp)) continue;
      list.push({ stamp: b.stamp, correlation: c.metrics?.correlation ?? null, sumRatio: c.metrics?.sumRatio ?? null, dir: b.dir });
      out.set(c.caseId, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.stamp.localeCompare(b.stamp));
  return out;
}
