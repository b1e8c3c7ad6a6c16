// One case of the bundle: header with verdict, images, metrics table with threshold badges, configuration
// mismatches and preflight warnings (critical first), attribution, charts.
import type { CaseView, ConfigMismatch, Metrics, ViewSettings } from '../../src/shared/messages.ts';
import { fmtCorrelation, fmtNumber, fmtSumRatio, meetsThreshold, thresholdText } from '../../src/shared/format.ts';
import { h } from './dom.ts';
import { CaseActions, type Ask } from './caseActions.ts';
import { ImageGrid, type GridEvents, type Preview } from './imageGrid.ts';
import { chartSlots, markChartsMissing, renderCharts, type ChartKind, type ChartSlots } from './chartsView.ts';
import type { ViewTheme } from './theme.ts';
import type { PeaksMessage } from '../../src/shared/compareMessages.ts';
import { peaksText } from './peakMarkers.ts';
import { suggestionsSection, type WhatIfState } from './suggestions.ts';

const VERDICT_TEXT = { pass: 'PASS', fail: 'FAIL', error: 'ERROR' } as const;
// Beam and hover markers sit on the images, not on the page: white with a black halo reads on every colour map.
const MARKER = '#ffffff';
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export function sortMismatches(list: ConfigMismatch[]): ConfigMismatch[] {
  return [...list].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
}

export interface CaseEvents extends GridEvents {
  onChartError(caseId: string, kind: ChartKind, message: string): void;
  /** History / compare / export requests (media/webview/caseActions.ts). */
  ask?: Ask;
  bundleDir?: string;
  /** "Run with this fix" buttons: on when the host can run a what-if of this bundle. */
  whatIf?: WhatIfState;
}

type MetricKey = 'correlation' | 'sumRatio' | 'rmse' | 'maxAbsDiff';

function metricRow(cv: CaseView, key: MetricKey | keyof Metrics, label: string, text: string, value: unknown): HTMLTableRowElement {
  const checked = ['correlation', 'sumRatio', 'rmse', 'maxAbsDiff'].includes(key) ? key as MetricKey : undefined;
  const limit = checked ? thresholdText(checked, cv.thresholds) : undefined;
  const ok = checked ? meetsThreshold(checked, value as number | null | undefined, cv.thresholds) : undefined;
  const badge = ok === undefined ? ''
    : h('span', { class: `badge ${ok ? 'badge-pass' : 'badge-fail'}`, 'aria-label': ok ? 'within threshold' : 'outside threshold' }, ok ? '✓ ok' : '✗ miss');
  return h('tr', {},
    h('th', { scope: 'row' }, label),
    h('td', { class: 'num', 'data-testid': `metric-${key}-${cv.caseId}`, 'data-value': JSON.stringify(value ?? null) }, text),
    h('td', {}, limit ?? ''),
    h('td', {}, badge));
}

function metricsTable(cv: CaseView): HTMLElement {
  const m = cv.metrics;
  if (!m) return h('p', { class: 'note', 'data-testid': `metrics-${cv.caseId}` }, 'No metrics: the images could not be compared (see the verdict).');
  const at = m.maxAbsDiffAt ? ` at (slow ${m.maxAbsDiffAt[0]}, fast ${m.maxAbsDiffAt[1]})` : '';
  return h('table', { class: 'metrics', 'data-testid': `metrics-${cv.caseId}` },
    h('caption', {}, 'Metrics (candidate vs reference)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Threshold'), h('th', { scope: 'col' }, 'Status'))),
    h('tbody', {},
      metricRow(cv, 'correlation', 'Correlation', fmtCorrelation(m.correlation), m.correlation),
      metricRow(cv, 'sumRatio', 'Sum ratio (candidate / reference)', fmtSumRatio(m.sumRatio), m.sumRatio),
      metricRow(cv, 'rmse', 'RMSE', fmtNumber(m.rmse), m.rmse),
      metricRow(cv, 'maxAbsDiff', 'max |Δ|', fmtNumber(m.maxAbsDiff) + at, m.maxAbsDiff),
      metricRow(cv, 'mse', 'MSE', fmtNumber(m.mse), m.mse),
      metricRow(cv, 'sumReference', 'Sum reference', fmtNumber(m.sumReference), m.sumReference),
      metricRow(cv, 'sumCandidate', 'Sum candidate', fmtNumber(m.sumCandidate), m.sumCandidate),
      metricRow(cv, 'peakDistance', 'Peak distance (pixels)', fmtNumber(m.peakDistance), m.peakDistance),
      metricRow(cv, 'finitePixels', 'Finite pixels', `${m.finitePixels} of ${m.pixels}`, m.finitePixels),
      ...(m.nanReference || m.nanCandidate || m.infReference || m.infCandidate
        ? [metricRow(cv, 'nanCandidate', 'NaN / Inf (reference; candidate)', `${m.nanReference} / ${m.infReference}; ${m.nanCandidate} / ${m.infCandidate}`, m.nanCandidate)]
        : [])));
}

function diagnosis(cv: CaseView): HTMLElement {
  const mism = sortMismatches(cv.mismatches);
  const list = h('ul', { class: 'mismatches' },
    ...mism.map((x) => h('li', { class: `sev-${x.severity}` },
      h('span', { class: `badge badge-${x.severity}` }, x.severity),
      ' ', h('strong', {}, x.field), `: ${x.explanation} `,
      h('span', { class: 'muted' }, `(reference ${x.reference}; candidate ${x.candidate})`))),
    ...cv.preflight.map((w) => h('li', { class: 'sev-preflight' }, h('span', { class: 'badge badge-preflight' }, 'preflight'), ' ', w.message)));
  return h('section', { class: 'diagnosis', 'data-testid': `mismatches-${cv.caseId}`, 'aria-label': `Configuration differences of ${cv.caseId}` },
    h('h3', {}, 'Why they may differ'),
    mism.length + cv.preflight.length ? list : h('p', { class: 'note' }, 'No configuration differences and no preflight warnings.'));
}

function attributionSection(cv: CaseView): HTMLElement | undefined {
  const a = cv.attribution;
  if (!a) return undefined;
  return h('section', { class: 'attribution', 'data-testid': `attribution-${cv.caseId}` },
    h('h3', {}, 'Attribution ', h('span', { class: `badge badge-attr-${a.status}` }, a.status)),
    h('p', {}, a.summary),
    a.steps.length ? h('table', { class: 'metrics' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col' }, 'Fork'), h('th', { scope: 'col' }, 'Correlation'), h('th', { scope: 'col' }, 'Sum ratio'), h('th', { scope: 'col' }, 'Note'))),
      h('tbody', {}, ...a.steps.map((s) => h('tr', {},
        h('th', { scope: 'row' }, s.label), h('td', {}, s.fork ? `${s.fork}=${s.value ?? ''}` : ''),
        h('td', { class: 'num', 'data-value': JSON.stringify(s.correlation) }, fmtCorrelation(s.correlation)),
        h('td', { class: 'num', 'data-value': JSON.stringify(s.sumRatio) }, fmtSumRatio(s.sumRatio)),
        h('td', {}, s.note ?? ''))))) : '',
    a.residual ? h('p', { class: 'muted' }, `Model vs candidate: correlation ${fmtCorrelation(a.residual.correlation)}, sum ratio ${fmtSumRatio(a.residual.sumRatio)}`) : '');
}

export class CaseUi {
  readonly actions?: CaseActions;
  readonly element: HTMLElement;
  readonly grid: ImageGrid;
  private readonly charts: ChartSlots;
  private chartTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly view: CaseView, private settings: ViewSettings, private theme: ViewTheme, private readonly events: CaseEvents) {
    const cv = view;
    this.peaksLine = h('p', { class: 'muted peaks-line', hidden: true, 'data-testid': `peaks-${cv.caseId}` });
    const withModel = !!cv.attribution?.modelImageId && cv.images.some((i) => i.role === 'model');
    const titles = cv.sides && { reference: cv.sides.reference, candidate: cv.sides.candidate, diff: cv.sides.diff };
    this.grid = new ImageGrid(cv.caseId, cv.fpixels, cv.spixels, cv.beamCenter, settings, MARKER, withModel, events, titles);
    if (events.ask && events.bundleDir) this.actions = new CaseActions(events.bundleDir, cv.caseId, () => this.grid.roi.readout.last?.rect, events.ask,
      () => ({ thresholds: cv.thresholds, theme: this.theme }));
    this.charts = chartSlots(cv.caseId);
    const v = cv.verdict;
    const zoomBtn = (label: string, aria: string, fn: () => void) => h('button', { class: 'small', type: 'button', 'aria-label': aria, title: aria, onclick: fn }, label);
    const engines = `${cv.reference.label ?? cv.reference.engine} → ${cv.candidate.label ?? cv.candidate.engine}`;
    const runErrors = [cv.reference, cv.candidate].filter((e) => e.error).map((e) => h('p', { class: 'run-error' }, `${e.engine}: ${e.error}`));
    const collapsed = settings.collapsed?.includes(cv.caseId) ?? false;
    this.element = h('details', { class: `case verdict-${v.status}`, 'data-testid': `case-${cv.caseId}`, open: !collapsed },
      h('summary', {},
        h('span', { class: 'case-id' }, cv.caseId), ' ',
        h('span', { class: `badge verdict verdict-badge-${v.status}`, 'data-testid': `verdict-${cv.caseId}`, 'data-status': v.status, title: v.reason }, cv.sides?.badge ?? VERDICT_TEXT[v.status] ?? v.status),
        ' ', h('span', { class: 'case-label' }, cv.label), ' ', h('span', { class: 'muted' }, engines)),
      h('p', { class: 'verdict-reason', 'data-testid': `verdict-reason-${cv.caseId}` }, v.reason),
      ...runErrors,
      h('div', { class: 'image-toolbar', role: 'toolbar', 'aria-label': `Zoom for ${cv.caseId}` },
        zoomBtn('+', `Zoom in on ${cv.caseId}`, () => this.grid.zoomBy(1.5)),
        zoomBtn('−', `Zoom out on ${cv.caseId}`, () => this.grid.zoomBy(1 / 1.5)),
        zoomBtn('Fit', `Fit ${cv.caseId} images`, () => this.grid.resetZoom()),
        h('span', { class: 'muted' }, `${cv.fpixels}×${cv.spixels} px · `,
          cv.beamCenter ? `beam centre (slow ${cv.beamCenter.slow}, fast ${cv.beamCenter.fast})` : 'beam centre unknown (not marked)')),
      this.grid.element,
      this.peaksLine,
      this.actions?.element,
      h('div', { class: 'columns' }, metricsTable(cv), diagnosis(cv)),
      events.ask && events.bundleDir ? suggestionsSection(cv, events.bundleDir, events.whatIf ?? { enabled: false }, events.ask) : undefined,
      attributionSection(cv),
      this.charts.element);
    this.element.addEventListener('toggle', () => this.events.onTransform(this.grid.getTransform()));
    // A side the bundle does not list will never arrive: say why instead of "waiting" (older layouts often have none).
    for (const side of ['reference', 'candidate'] as const) {
      if (cv.images.some((i) => i.role === side)) continue;
      this.grid.markMissing(side, cv[side].error ? `no ${side} image (run failed)` : cv.images.length ? `no ${side} image in this bundle` : 'no images in this bundle');
    }
    if (!cv.images.some((i) => i.role === 'reference') || !cv.images.some((i) => i.role === 'candidate')) {
      this.grid.markMissing('diff', 'needs both images'); this.grid.markMissing('ratio', 'needs both images');
      if (!cv.images.length) markChartsMissing(this.charts, 'no images in this bundle');
    }
    this.scheduleCharts();
  }

  private readonly peaksLine: HTMLElement;

  /** Peak markers found on the host; drawn while the toolbar's Peaks toggle is on. */
  setPeaks(p: PeaksMessage): void {
    this.grid.setPeaks(p);
    this.peaksLine.textContent = peaksText(p);
    this.peaksLine.dataset.matched = String(p.matchedCount);
    this.peaksLine.hidden = !this.settings.showPeaks;
  }

  isOpen(): boolean {
    return (this.element as HTMLDetailsElement).open;
  }

  setImage(role: 'reference' | 'candidate' | 'model', data: Float32Array): void {
    this.grid.setImage(role, data);
    this.scheduleCharts();
  }

  setPreview(role: 'reference' | 'candidate' | 'model', preview: Preview): void {
    this.grid.setPreview(role, preview);
    this.scheduleCharts();
  }

  applySettings(settings: ViewSettings, theme: ViewTheme): void {
    const chartsChange = settings.scale !== this.settings.scale || theme !== this.theme;
    this.settings = settings;
    this.theme = theme;
    this.grid.applySettings(settings, MARKER, this.view.beamCenter);
    this.peaksLine.hidden = !settings.showPeaks || !this.peaksLine.textContent;
    if (chartsChange) this.scheduleCharts();
  }

  /** Charts are rebuilt at most once per burst of images/settings (both images usually arrive back to back). */
  private scheduleCharts(): void {
    if (this.chartTimer) clearTimeout(this.chartTimer);
    this.chartTimer = setTimeout(() => {
      this.chartTimer = undefined;
      renderCharts(this.charts, this.view, this.grid.images(), this.settings.scale, this.theme,
        (kind, message) => this.events.onChartError(this.view.caseId, kind, message)).catch((err: Error) => this.events.onChartError(this.view.caseId, 'trend', err.message));
    }, 30);
  }

  dispose(): void {
    if (this.chartTimer) clearTimeout(this.chartTimer);
    this.grid.dispose();
  }
}
