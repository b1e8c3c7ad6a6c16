// Entry of the results webview (bundled to dist/webview.js as an IIFE). Owns the message loop with the host,
// the view settings (persisted with setState: ids and settings only) and the page-level toolbar.
import './scriptStart.ts';
import {
  DEFAULT_VIEW_SETTINGS, PROTOCOL_VERSION, imageFromMessage, isHostToWebview, messagePixels,
  type HostToWebview, type ImageMessage, type ViewModel, type ViewSettings, type WebviewErrorKind,
} from '../../src/shared/messages.ts';
import { metricsMarkdown } from '../../src/shared/metricsMarkdown.ts';
import { formatNumber, SIG4 } from '../../src/shared/format.ts';
import { newRequestId, post, restoredState, saveState } from './vscodeApi.ts';
import { clear, h } from './dom.ts';
import { CaseUi } from './caseView.ts';
import { readTheme, watchTheme, type ViewTheme } from './theme.ts';
import { canvasPngBytes, compositeCanvas } from './exportPng.ts';
import type { HoverValues } from './derived.ts';
import { TracePanel } from './traceView.ts';
import type { TracePixelRequest } from '../../src/shared/traceMessages.ts';
import { rangeControls } from './rangeControls.ts';
import { compareHeader, LinkedGrids } from './compareMode.ts';
import { mark, paintBundle } from './firstPaint.ts';
mark('scriptEvaluated');

const restored = restoredState();
let settings: ViewSettings = { ...DEFAULT_VIEW_SETTINGS, ...restored?.settings };
let vm: ViewModel | undefined;
let theme: ViewTheme = readTheme();
let running = false;
/** Set while the snapshot is a compare view: links the grids' zoom/pan and colour range. */
let linked: LinkedGrids | undefined;
/**
 * Float images by id; kept across snapshots while the id is still referenced (ids change when files change).
 * `binning` > 1: a max-binned preview of `width` × `height` pixels; the full image replaces it when it arrives.
 */
interface HeldImage { role: ImageMessage['role']; caseId: string; data: Float32Array; binning: number; width: number; height: number }
const images = new Map<string, HeldImage>();
const cases = new Map<string, CaseUi>();
const pending = new Map<number, { button?: HTMLButtonElement; what: string }>();
/** Requests the user did not click (full images, lost images): answered quietly, failures shown in the status line. */
const background = new Map<number, { fullId?: string }>();
/** Ids whose full resolution was asked for (once per document; again only after a failed answer). */
const fullRequested = new Set<string>();

// ---- error reporting: the user's console is invisible; the host logs these in its output channel.
function reportError(kind: WebviewErrorKind, message: string, extra: { caseId?: string; detail?: string } = {}): void {
  try { post({ type: 'error', kind, message, ...extra }); } catch { /* the host is gone; nothing else to do */ }
}
window.addEventListener('error', (e) => reportError('script', e.message || String(e.error), { detail: e.error?.stack }));
window.addEventListener('unhandledrejection', (e) => reportError('script', String((e.reason as Error)?.message ?? e.reason), { detail: (e.reason as Error)?.stack }));
document.addEventListener('securitypolicyviolation', (e) =>
  reportError('csp', `Content Security Policy blocked ${e.blockedURI || 'inline code'} (${e.violatedDirective})`, { detail: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}` : undefined }));

// ---- page skeleton
const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.removeAttribute('aria-busy');
clear(app);

const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-testid': 'status' });
const progress = h('div', { class: 'progress', hidden: true, 'data-testid': 'progress' });
const banner = h('div', { class: 'banner', hidden: true, 'data-testid': 'readonly-banner' });
const notice = h('div', { class: 'banner notice', hidden: true, 'data-testid': 'notice' });
const hostErrors = h('div', { class: 'host-errors', role: 'alert', 'data-testid': 'host-errors' });
const header = h('div', { class: 'bundle-header' });
const casesEl = h('div', { class: 'cases' }, h('p', { class: 'note' }, 'Waiting for parity results…'));
const readout = h('div', { class: 'hover-readout', 'data-testid': 'hover-readout', 'aria-live': 'off' }, 'Hover an image (or focus it and use the arrow keys) to read pixel values.');

function button(testid: string, label: string, title: string, onclick: (b: HTMLButtonElement) => void): HTMLButtonElement {
  const b: HTMLButtonElement = h('button', { type: 'button', 'data-testid': testid, title, onclick: () => onclick(b) }, label);
  return b;
}

const scaleToggle = h('button', { type: 'button', 'data-testid': 'scale-toggle', 'aria-pressed': String(settings.scale === 'log'), title: 'Switch between linear and logarithmic colour scale (L)' });
scaleToggle.addEventListener('click', () => updateSettings({ scale: settings.scale === 'log' ? 'linear' : 'log' }));
const clipSelect = h('select', { 'data-testid': 'clip-select', 'aria-label': 'Percentile clip of the colour range' },
  ...[100, 99.9, 99.5, 99, 98, 95].map((p) => h('option', { value: String(p) }, p === 100 ? 'no clip (max)' : `clip at p${p}`)));
clipSelect.addEventListener('change', () => updateSettings({ clipPercentile: Number(clipSelect.value) }));
const mapSelect = h('select', { 'data-testid': 'colormap-select', 'aria-label': 'Colour map of intensity images' },
  h('option', { value: 'viridis' }, 'viridis-like'), h('option', { value: 'grey' }, 'grey'));
mapSelect.addEventListener('change', () => updateSettings({ colorMap: mapSelect.value as ViewSettings['colorMap'] }));
const rangeUi = rangeControls(() => settings, (patch) => updateSettings(patch), () => [...cases.values()].map((c) => c.grid.sharedRange()));

const btnRerun = button('btn-rerun', 'Re-run', 'Run these cases again', (b) => {
  if (!vm) return;
  request(b, 'Re-run', { type: 'rerun', requestId: 0, bundleDir: vm.bundleDir, caseIds: vm.cases.map((c) => c.caseId) });
});
const btnRecord = button('btn-record', 'Record attempt in fix_plan.md', 'Add an Attempt for this bundle to docs/fix_plan.md (you review the edit first)', (b) => {
  if (vm) request(b, 'Record attempt', { type: 'recordAttempt', requestId: 0, bundleDir: vm.bundleDir });
});
const btnFolder = button('btn-open-folder', 'Open bundle folder', 'Reveal the evidence bundle folder', (b) => {
  if (vm) request(b, 'Open bundle folder', { type: 'openBundleFolder', requestId: 0, bundleDir: vm.bundleDir });
});
const btnCopy = button('btn-copy-md', 'Copy metrics as Markdown', 'Copy a Markdown table of the metrics to the clipboard', (b) => {
  if (vm) request(b, 'Copy metrics', { type: 'copyMetricsMarkdown', requestId: 0, markdown: metricsMarkdown(vm) });
});
const peaksToggle = button('peaks-toggle', 'Peaks', 'Show the Bragg peaks found on both images: ○ matched, × unmatched (P)', () => updateSettings({ showPeaks: !settings.showPeaks }));
const btnExport = button('btn-export-png', 'Export PNG', 'Save the images of every case as one PNG', (b) => { void exportPng(b); });

const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Parity results' },
  h('div', { class: 'group' }, scaleToggle, clipSelect, mapSelect, rangeUi.element, peaksToggle),
  h('div', { class: 'group' }, btnRerun, btnRecord, btnFolder, btnCopy, btnExport));
// ---- pixel trace: a click on a pixel, the readout's button, or "Trace max-|Δ| pixel" asks the host to trace it.
let lastHover: { caseId: string; slow: number; fast: number } | undefined;
let traceRequestId: number | undefined;
const tracePanel = new TracePanel({ onTrace: startTrace, onCancel: () => post({ type: 'traceCancel', requestId: newRequestId() }) });
const btnTraceHere = button('btn-trace-here', 'Trace this pixel', 'Trace the last hovered pixel in both simulators and name the first divergence', () => {
  if (lastHover) startTrace(lastHover.caseId, { slow: lastHover.slow, fast: lastHover.fast });
});
btnTraceHere.classList.add('small');
btnTraceHere.disabled = true;
function startTrace(caseId: string, pixel: TracePixelRequest): void {
  if (!vm || vm.readOnly) return;
  if (traceRequestId !== undefined) { status.textContent = 'A trace is running: cancel it first.'; return; }
  traceRequestId = newRequestId();
  tracePanel.started(caseId, pixel);
  btnTraceHere.disabled = true;
  post({ type: 'trace', requestId: traceRequestId, caseId, pixel });
}

// The toolbar and the hover readout stay visible while scrolling through the cases.
app.append(h('div', { class: 'sticky-top' }, toolbar, h('div', { class: 'readout-row' }, readout, btnTraceHere)), banner, notice, progress, hostErrors, header, tracePanel.element, casesEl, status);
syncControls();

type RequestMessage = Parameters<typeof post>[0] & { requestId: number };
function request(b: HTMLButtonElement | undefined, what: string, msg: RequestMessage): void {
  const requestId = newRequestId();
  pending.set(requestId, { button: b, what });
  if (b) b.disabled = true;
  status.textContent = `${what}…`;
  post({ ...msg, requestId } as RequestMessage);
}

async function exportPng(b: HTMLButtonElement): Promise<void> {
  if (!vm) return;
  try {
    b.disabled = true;
    const canvas = compositeCanvas(vm, [...cases.values()], theme);
    const buffer = await canvasPngBytes(canvas);
    const ids = vm.cases.map((c) => c.caseId);
    request(b, 'Export PNG', { type: 'exportPng', requestId: 0, caseId: ids.join(','), suggestedName: `parity_${vm.stamp}.png`, buffer });
  } catch (err) {
    b.disabled = false;
    status.textContent = `Export PNG failed: ${(err as Error).message}`;
    reportError('render', `Export PNG failed: ${(err as Error).message}`);
  }
}

// ---- settings
function updateSettings(patch: Partial<ViewSettings>): void {
  settings = { ...settings, ...patch };
  persist();
  syncControls();
  for (const c of cases.values()) c.applySettings(settings, theme);
  linked?.refresh();
}

function persist(): void {
  const c = vm?.compare;
  const compare = c ? { a: c.a.dir, b: c.b.dir, caseId: c.caseId, caseIdB: c.caseIdB } : vm ? undefined : restored?.compare;
  saveState({ version: PROTOCOL_VERSION, bundleDir: vm?.bundleDir ?? restored?.bundleDir, stamp: vm?.stamp ?? restored?.stamp, settings, ...(compare ? { compare } : {}) });
}

function syncControls(): void {
  scaleToggle.textContent = `Scale: ${settings.scale}`;
  scaleToggle.setAttribute('aria-pressed', String(settings.scale === 'log'));
  scaleToggle.setAttribute('aria-label', `Colour scale ${settings.scale}; press to switch to ${settings.scale === 'log' ? 'linear' : 'log'}`);
  clipSelect.value = String(settings.clipPercentile);
  if (clipSelect.value !== String(settings.clipPercentile)) clipSelect.append(h('option', { value: String(settings.clipPercentile), selected: true }, `clip at p${settings.clipPercentile}`));
  mapSelect.value = settings.colorMap;
  rangeUi.sync(settings);
  peaksToggle.setAttribute('aria-pressed', String(!!settings.showPeaks));
  peaksToggle.textContent = settings.showPeaks ? 'Peaks: shown' : 'Peaks: hidden';
  const ro = vm?.readOnly ?? false;
  btnRerun.hidden = ro || vm?.actions?.rerun === false;
  // Off with a reason (a what-if bundle): shown disabled, the reason on the button; off without one: hidden.
  const noRecord = vm?.actionReasons?.recordAttempt;
  btnRecord.hidden = ro || (vm?.actions?.recordAttempt === false && !noRecord);
  btnRecord.title = noRecord ? `Record is off: ${noRecord}.` : 'Add an Attempt for this bundle to docs/fix_plan.md (you review the edit first)';
  btnFolder.hidden = vm?.actions?.openBundleFolder === false;
  for (const b of [btnRerun, btnRecord, btnFolder, btnCopy, btnExport]) {
    const busy = [...pending.values()].some((p) => p.button === b);
    b.disabled = !vm || busy || (running && b === btnRerun) || (b === btnRecord && !!noRecord);
  }
}

// ---- hover readout
function fmtValue(v: number | undefined): string {
  return formatNumber(v, { ...SIG4, missing: '—' });
}
function showHover(v: HoverValues | undefined, caseId: string): void {
  if (!v) { readout.textContent = 'Hover an image (or focus it and use the arrow keys) to read pixel values.'; delete readout.dataset.slow; return; }
  readout.dataset.caseId = caseId;
  lastHover = { caseId, slow: v.slow, fast: v.fast };
  btnTraceHere.disabled = !!vm?.readOnly || traceRequestId !== undefined;
  btnTraceHere.textContent = `Trace pixel (${v.slow}, ${v.fast})`;
  tracePanel.setCase(caseId, !vm?.readOnly);
  readout.dataset.slow = String(v.slow);
  readout.dataset.fast = String(v.fast);
  readout.dataset.level = v.binning ? 'preview' : 'exact';
  const parts = [`${caseId} (slow ${v.slow}, fast ${v.fast})`];
  if (v.binning) parts.push(`preview: max of ${v.binning}×${v.binning} (exact values loading…)`);
  parts.push(`reference ${fmtValue(v.reference)}`, `candidate ${fmtValue(v.candidate)}`, `Δ ${fmtValue(v.delta)}`, `ratio ${fmtValue(v.ratio)}`);
  if (v.model !== undefined) parts.push(`model ${fmtValue(v.model)}`);
  readout.textContent = parts.join('  ·  ');
}

// ---- snapshot → DOM
function renderSnapshot(next: ViewModel): void {
  paintBundle(next.bundleDir);
  const focusedId = document.hasFocus() ? (document.activeElement as HTMLElement | null)?.dataset?.testid : undefined; // else a pick closes
  const previousTransforms = new Map([...cases].map(([id, c]) => [id, c.grid.getTransform()]));
  vm = next;
  for (const c of cases.values()) c.dispose();
  cases.clear();
  const wanted = new Set(next.cases.flatMap((c) => c.images.map((i) => i.id)));
  for (const id of [...images.keys()]) if (!wanted.has(id)) images.delete(id);
  // The host forgets what it sent with each new snapshot: previews still held may ask for their full image again.
  fullRequested.clear();

  banner.hidden = !next.readOnly;
  banner.textContent = next.readOnly ? `Read-only: ${next.readOnlyReason ?? 'an earlier bundle opened for viewing'}.` : '';
  notice.hidden = !next.notice;
  notice.textContent = next.notice ?? '';
  clear(hostErrors);
  linked = next.compare ? new LinkedGrids(() => [...cases.values()], () => settings, () => { for (const c of cases.values()) c.applySettings(settings, theme); }) : undefined;
  if (next.compare) header.replaceChildren(compareHeader(next.compare, (b, what, m) => request(b, what, m)), linked!.roi.element);
  else header.replaceChildren(
    h('h2', {}, `Bundle ${next.stamp}`),
    h('p', { class: 'muted', 'data-testid': 'bundle-dir' }, next.bundleDir, next.layout === 'legacy' ? ' (older layout)' : ''));
  clear(casesEl);
  if (!next.cases.length) casesEl.append(h('p', { class: 'note' }, 'This bundle has no cases.'));
  for (const cv of next.cases) {
    const t = previousTransforms.get(cv.caseId);
    const caseSettings = t ? { ...settings, zoom: t.zoom, centerFast: t.cx, centerSlow: t.cy } : settings;
    const ui = new CaseUi(cv, caseSettings, theme, {
      onHover: showHover,
      onTransform: (tr) => {
        settings = { ...settings, zoom: tr.zoom, centerFast: tr.cx, centerSlow: tr.cy, collapsed: collapsedIds() }; persist();
        const self = cases.get(cv.caseId);
        if (self) linked?.moved(self, tr);
      },
      onError: (m) => reportError('render', m, { caseId: cv.caseId }),
      onNeedFull: (caseId) => requestFullImages(caseId),
      onChartError: (caseId, kind, m) => reportError('chart', `${kind} chart: ${m}`, { caseId }),
      onPick: (p, caseId) => startTrace(caseId, p),
      ask: next.compare ? undefined : (b, what, m) => request(b, what, m),
      bundleDir: next.bundleDir,
      whatIf: { enabled: !next.readOnly && next.actions?.whatIf !== false, reason: next.actionReasons?.whatIf ?? next.readOnlyReason },
    });
    cases.set(cv.caseId, ui);
    linked?.attach(ui);
    casesEl.append(ui.element);
    for (const ref of cv.images) {
      const have = images.get(ref.id);
      if (have) giveImage(ui, have);
    }
  }
  tracePanel.setCase(next.cases[0]?.caseId, !next.readOnly);
  btnTraceHere.hidden = next.readOnly;
  syncControls();
  persist();
  if (focusedId) (document.querySelector(`[data-testid="${CSS.escape(focusedId)}"]`) as HTMLElement | null)?.focus();
  scheduleMissingImageCheck();
  mark('snapshotRendered');
}

function collapsedIds(): string[] {
  return [...cases.values()].filter((c) => !c.isOpen()).map((c) => c.view.caseId);
}

function giveImage(ui: CaseUi, img: HeldImage): void {
  if (img.binning > 1) ui.setPreview(img.role, { data: img.data, binning: img.binning, fpixels: img.width, spixels: img.height });
  else ui.setImage(img.role, img.data);
}

/** Ask the host for the full resolution of every image of the case still held as a preview (each id once). */
function requestFullImages(caseId: string): void {
  const cv = vm?.cases.find((c) => c.caseId === caseId);
  for (const ref of cv?.images ?? []) {
    if (images.get(ref.id)?.binning === 1 || !images.has(ref.id) || fullRequested.has(ref.id)) continue;
    fullRequested.add(ref.id);
    const requestId = newRequestId();
    background.set(requestId, { fullId: ref.id });
    post({ type: 'requestFullImage', requestId, caseId, role: ref.role });
  }
}

function acceptImage(msg: ImageMessage): void {
  let data: Float32Array;
  mark('image');
  try {
    data = imageFromMessage(msg);
  } catch (err) {
    reportError('protocol', (err as Error).message, { caseId: msg.caseId });
    hostErrors.append(h('p', {}, `Image ${msg.id}: ${(err as Error).message}`));
    return;
  }
  const binning = msg.level === 'preview' ? msg.binning ?? 1 : 1;
  // A preview arriving after the full image (e.g. a resend) must not replace the exact pixels.
  if (binning > 1 && images.get(msg.id)?.binning === 1) return;
  const { fpixels: width, spixels: height } = messagePixels(msg);
  const held: HeldImage = { role: msg.role, caseId: msg.caseId, data, binning, width, height };
  images.set(msg.id, held);
  const ui = cases.get(msg.caseId);
  const ref = ui?.view.images.find((i) => i.id === msg.id);
  if (ui && ref) {
    if (ref.fpixels !== msg.fpixels || ref.spixels !== msg.spixels) {
      reportError('protocol', `image ${msg.id} is ${msg.fpixels}×${msg.spixels}, the snapshot announced ${ref.fpixels}×${ref.spixels}`, { caseId: msg.caseId });
      return;
    }
    giveImage(ui, held);
    linked?.refresh();
  }
}

// Images announced by a snapshot but not received (e.g. the panel was hidden) are asked for once.
let missingTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleMissingImageCheck(): void {
  if (missingTimer) clearTimeout(missingTimer);
  missingTimer = setTimeout(() => {
    for (const cv of vm?.cases ?? []) for (const ref of cv.images) {
      if (images.has(ref.id)) continue;
      const requestId = newRequestId();
      background.set(requestId, {});
      post({ type: 'requestImage', requestId, id: ref.id });
    }
  }, 10_000);
}

function onHostMessage(msg: HostToWebview): void {
  switch (msg.type) {
    case 'snapshot': renderSnapshot(msg.viewModel); break;
    case 'image': acceptImage(msg); break;
    case 'progress': {
      running = !msg.done;
      progress.hidden = !!msg.done;
      progress.textContent = msg.fraction !== undefined ? `${msg.message} (${Math.round(msg.fraction * 100)} %)` : msg.message;
      tracePanel.progress(msg.message);
      syncControls();
      break;
    }
    case 'response': {
      if (msg.requestId === traceRequestId) {
        traceRequestId = undefined;
        tracePanel.finished(msg.ok, msg.message);
        btnTraceHere.disabled = !lastHover;
        status.textContent = msg.ok ? 'Trace done.' : msg.message ?? 'Trace failed.';
        status.dataset.ok = String(msg.ok);
        break;
      }
      const quiet = background.get(msg.requestId);
      if (quiet) {
        background.delete(msg.requestId);
        if (!msg.ok) {
          if (quiet.fullId) fullRequested.delete(quiet.fullId);
          status.textContent = msg.message ?? 'An image request failed.';
          status.dataset.ok = 'false';
        }
        break;
      }
      const p = pending.get(msg.requestId);
      pending.delete(msg.requestId);
      if (p?.button) p.button.disabled = false;
      status.textContent = msg.message ?? `${p?.what ?? 'Request'} ${msg.ok ? 'done' : 'failed'}.`;
      status.dataset.ok = String(msg.ok);
      syncControls();
      break;
    }
    case 'traceResult': tracePanel.show(msg.view); break;
    case 'history': cases.get(msg.caseId)?.actions?.showHistory(msg.rows); break;
    case 'peaks': cases.get(msg.caseId)?.setPeaks(msg); break;
    case 'hostError': hostErrors.append(h('p', {}, msg.caseId ? `${msg.caseId}: ${msg.message}` : msg.message)); break;
  }
}

const HOST_TYPES = new Set<string>(['snapshot', 'image', 'progress', 'response', 'hostError', 'traceResult'] satisfies HostToWebview['type'][]);
window.addEventListener('message', (event: MessageEvent) => {
  const msg: unknown = event.data;
  if (!isHostToWebview(msg)) {
    // Other messages may reach the frame; report only ours that fail validation (a host/webview version skew).
    const type = msg && typeof msg === 'object' ? (msg as { type?: unknown }).type : undefined;
    if (typeof type === 'string' && HOST_TYPES.has(type)) reportError('protocol', `malformed host message of type "${type}"`);
    return;
  }
  try { onHostMessage(msg); } catch (err) { reportError('render', (err as Error).message, { detail: (err as Error).stack }); }
});

document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement;
  if (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'l' || e.key === 'L') { updateSettings({ scale: settings.scale === 'log' ? 'linear' : 'log' }); e.preventDefault(); }
  if (e.key === 'p' || e.key === 'P') { updateSettings({ showPeaks: !settings.showPeaks }); e.preventDefault(); }
});

watchTheme(() => {
  theme = readTheme();
  for (const c of cases.values()) c.applySettings(settings, theme);
});

mark('ready');
post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, state: restored });
