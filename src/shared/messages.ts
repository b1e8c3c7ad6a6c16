// The typed conversation between the extension host (src/extension/panel/) and the results webview (media/webview/).
// Shared by both sides; no runtime dependencies, so the browser bundle stays small and the host never imports DOM code.
//
// Flow:
//   webview → host  `ready`      (once the script runs; carries the restored PersistedState if any)
//   host → webview  `snapshot`   (the whole ViewModel: numbers only, no pixels)
//   host → webview  `image` × n  (one exact-size ArrayBuffer of float32 per image id, sent once per snapshot)
//                                 Images above PREVIEW_MAX_PIXELS (src/shared/preview.ts) come first as a
//                                 `level: 'preview'` image (k×k max-binned); then, on request:
//   webview → host  `requestFullImage` (caseId, role) → host → webview the `level: 'full'` image (once per
//                                 webview document and snapshot), then its `response`.
//   webview → host  actions with a `requestId`; the host answers each with one `response`.
// The host must resend `snapshot` + images after the panel becomes visible again (hidden webviews drop messages);
// the webview keeps images it already holds when the ids are unchanged.
// Compatibility: only add optional fields or new message types; never rename or change the meaning of a field.

import type { CaseResult, EngineId, FixSuggestion, Forks, WhatIf } from './types.ts';
import { isCompareHostMessage, isCompareRequest, isFixSuggestion, isWhatIfInfo, type CompareHostMessage, type CompareInfo, type CompareRequest, type CompareSideLabels } from './compareMessages.ts';
// Re-exported so the webview (which may import only src/shared) can name the core shapes it displays.
export type { ConfigMismatch, EngineId, FixSuggestion, Forks, Metrics, PeakSummary, PreflightWarning, Roi, Thresholds, Verdict } from './types.ts';
import { isLockedRange, type LockedRange } from './viewRange.ts';
export type { LockedRange } from './viewRange.ts';
import { isTraceRequest, isTraceView, type TraceCancelMessage, type TraceRequestMessage, type TraceResultMessage } from './traceMessages.ts';
export * from './traceMessages.ts';

export const PROTOCOL_VERSION = 1;

export type ImageRole = 'reference' | 'candidate' | 'model';
export const IMAGE_ROLES: readonly ImageRole[] = ['reference', 'candidate', 'model'];

/** An image the host will send (or has sent) as an `image` message. */
export interface ImageRef {
  /** Unique within a snapshot; stable for the same file so the webview can keep what it already holds. */
  id: string;
  role: ImageRole;
  /** Size of the full image (fast = columns, slow = rows). */
  fpixels: number;
  spixels: number;
}

/** One earlier bundle's numbers for this case, oldest first in `CaseView.trend`. */
export interface TrendPoint {
  stamp: string;
  correlation: number | null;
  sumRatio: number | null;
  maxAbsDiff?: number | null; // the history chart plots it; the trend chart does not
  /** Absolute bundle folder, when known. */
  dir?: string;
}

export type AttributionStatus = 'explained' | 'partly-explained' | 'unexplained' | 'not-modelled' | 'no-divergence';

/** One row of the attribution table: the model after toggling one fork, scored against the candidate. */
export interface AttributionStepView {
  label: string;
  fork?: string;
  value?: string;
  correlation: number | null;
  sumRatio: number | null;
  note?: string;
}

export interface AttributionView {
  status: AttributionStatus;
  /** One sentence for the user. */
  summary: string;
  forks?: Forks;
  steps: AttributionStepView[];
  /** Model (best fork combination) vs candidate. */
  residual?: { correlation: number | null; sumRatio: number | null };
  /** Id of the `model` image among CaseView.images, when the host sends it. */
  modelImageId?: string;
}

/** What one side of a case ran, for the header of each case. */
export interface EngineView {
  engine: EngineId;
  /** e.g. "C (golden_suite_generator/nanoBragg)", "PyTorch (warm)", "embedded preset=c". */
  label?: string;
  wallMs?: number;
  exitCode?: number;
  /** A run problem already worded for the user. */
  error?: string;
}

/** Beam centre in continuous pixel indices: pixel (s, f) has its centre at integer (s, f), so 128.5 is a pixel corner. */
export interface BeamCenter {
  slow: number;
  fast: number;
}

/**
 * A case as the webview shows it: the result's own fields (mismatches critical first: the host keeps the core's order,
 * the webview sorts again defensively), with the engines' views and the images by reference.
 */
export interface CaseView extends Pick<CaseResult, 'caseId' | 'label' | 'fileStem' | 'flags' | 'thresholds' | 'metrics' | 'roi' | 'roiMetrics' | 'peaks' | 'verdict' | 'mismatches' | 'preflight'> {
  fpixels: number;
  spixels: number;
  reference: EngineView;
  candidate: EngineView;
  attribution?: AttributionView;
  /** Earlier bundles of this case, oldest first; the current bundle may be the last point. */
  trend: TrendPoint[];
  beamCenter?: BeamCenter;
  images: ImageRef[];
  /** Compare view only: what this case's panels show and its badge. */
  sides?: CompareSideLabels;
  suggestions?: FixSuggestion[]; // flags to try on both sides ("Run with this fix"); none in compare views and what-ifs
}

export interface ViewModel {
  /** Absolute bundle folder. */
  bundleDir: string;
  stamp: string;
  /** Bundle layout version or 'legacy'. */
  layout: string;
  createdAt?: string;
  /** An old bundle opened for viewing: the webview hides actions that would change or rerun it. */
  readOnly: boolean;
  readOnlyReason?: string;
  /** What the host allows now (Restricted Mode, no last run...). Absent = allowed unless readOnly. */
  actions?: { rerun?: boolean; recordAttempt?: boolean; openBundleFolder?: boolean; whatIf?: boolean };
  actionReasons?: { recordAttempt?: string; whatIf?: string }; // why an action is off (shown on its button)
  whatIf?: WhatIf; // a what-if bundle: never recorded as the case itself
  /** Shown as a banner, e.g. "Restricted Mode: C and Python are not launched". */
  notice?: string;
  cases: CaseView[];
  /** Set when the panel shows one case of two bundles linked (the cases are A, B, candidate A→B, reference A→B). */
  compare?: CompareInfo;
}

// ---------------------------------------------------------------------------------------------------------------
// View settings the webview persists with acquireVsCodeApi().setState (ids and settings only, never pixels).

export type ColorMapName = 'viridis' | 'grey' | 'diverging';
export type ScaleName = 'linear' | 'log';

export interface ViewSettings {
  scale: ScaleName;
  /** Upper percentile used for the colour range of intensity images, e.g. 99.5 (100 = no clipping). */
  clipPercentile: number;
  colorMap: Exclude<ColorMapName, 'diverging'>;
  /** Linked zoom/pan, in image pixels: zoom factor and the image point shown at the canvas centre. */
  zoom: number;
  centerFast?: number;
  centerSlow?: number;
  /** Case ids the user collapsed. */
  collapsed?: string[];
  sharedRange?: boolean; // one colour range for reference and candidate (undefined = on, the default)
  lockedRange?: LockedRange; // kept across runs and cases until unlocked (applies while its scale is in use)
  showPeaks?: boolean; // Bragg peak markers on the images (off by default)
}

export interface PersistedState {
  version: typeof PROTOCOL_VERSION;
  /** The host's serializer reopens this bundle after a window reload. */
  bundleDir?: string;
  stamp?: string;
  settings: ViewSettings;
  /** A compare view: reopened as one after a window reload (else `bundleDir`, B, would reopen alone). */
  compare?: { a: string; b: string; caseId: string; caseIdB: string };
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = { scale: 'linear', clipPercentile: 99.5, colorMap: 'viridis', zoom: 1 };

// ---------------------------------------------------------------------------------------------------------------
// Host → webview

export interface SnapshotMessage {
  type: 'snapshot';
  viewModel: ViewModel;
}

export type ImageLevel = 'preview' | 'full';

export interface ImageMessage {
  type: 'image';
  id: string;
  caseId: string;
  role: ImageRole;
  /** Size of the FULL image, also for a preview (the webview draws previews in full-resolution coordinates). */
  fpixels: number;
  spixels: number;
  /**
   * Exactly fpixels × spixels × 4 bytes of little-endian float32, row-major (slow rows of fast pixels); for a
   * preview previewFpixels × previewSpixels × 4 bytes.
   */
  buffer: ArrayBuffer;
  /** Absent = 'full' (older hosts never send previews). */
  level?: ImageLevel;
  /** Preview only: each preview pixel is the max of a binning × binning block (NaN if any pixel in it is NaN). */
  binning?: number;
  /** Preview only: ceil(fpixels / binning) × ceil(spixels / binning); edge bins are partial. */
  previewFpixels?: number;
  previewSpixels?: number;
}

/** A run is in progress (the webview greys its actions) or finished (`done: true`). */
export interface ProgressMessage {
  type: 'progress';
  message: string;
  fraction?: number;
  done?: boolean;
}

/** Answer to one webview request. */
export interface ResponseMessage {
  type: 'response';
  requestId: number;
  ok: boolean;
  /** Shown to the user: what happened or what went wrong and what to do. */
  message?: string;
}

/** A host-side problem to show in the panel (bundle unreadable, image missing...). */
export interface HostErrorMessage {
  type: 'hostError';
  message: string;
  caseId?: string;
}

export type HostToWebview = SnapshotMessage | ImageMessage | ProgressMessage | ResponseMessage | HostErrorMessage | TraceResultMessage | CompareHostMessage;

// ---------------------------------------------------------------------------------------------------------------
// Webview → host

export interface ReadyMessage {
  type: 'ready';
  protocolVersion: number;
  /** What the webview restored from getState(), so the host can reopen the same bundle. */
  state?: PersistedState;
}

interface RequestBase { requestId: number }

/** Run the same cases again (command nbParity.rerunLast semantics, on this bundle's cases). */
export interface RerunMessage extends RequestBase { type: 'rerun'; bundleDir: string; caseIds?: string[] }
/** Host calls the command `nbParity.recordAttempt` with bundleDir. */
export interface RecordAttemptMessage extends RequestBase { type: 'recordAttempt'; bundleDir: string }
export interface OpenBundleFolderMessage extends RequestBase { type: 'openBundleFolder'; bundleDir: string }
/** Host writes `markdown` to the clipboard; without it the host builds it with metricsMarkdown() itself. */
export interface CopyMetricsMarkdownMessage extends RequestBase { type: 'copyMetricsMarkdown'; markdown?: string }
/** PNG bytes of the composite canvas; host shows a save dialog (defaulting to the bundle folder) and writes them. */
export interface ExportPngMessage extends RequestBase {
  type: 'exportPng';
  caseId: string;
  suggestedName: string;
  buffer: ArrayBuffer;
}
/** Ask the host to (re)send an image, e.g. after it was lost. */
export interface RequestImageMessage extends RequestBase { type: 'requestImage'; id: string }
/** After a preview: ask for the full-resolution image of one (caseId, role). The host sends the `image` first, then the `response`. */
export interface RequestFullImageMessage extends RequestBase { type: 'requestFullImage'; caseId: string; role: ImageRole }

export type WebviewErrorKind = 'render' | 'chart' | 'csp' | 'script' | 'protocol';
/** Reported so the host can log it in the output channel (the webview's console is invisible to users). */
export interface WebviewErrorMessage {
  type: 'error';
  kind: WebviewErrorKind;
  message: string;
  caseId?: string;
  detail?: string;
}

export type WebviewRequest =
  | RerunMessage | RecordAttemptMessage | OpenBundleFolderMessage | CopyMetricsMarkdownMessage | ExportPngMessage
  | RequestImageMessage | RequestFullImageMessage | TraceRequestMessage | TraceCancelMessage | CompareRequest;

/** The webview's first image on screen (its Date.now()) and the epoch ms of its steps before it, for the host's log. */
export interface PaintedMessage { type: 'painted'; at: number; caseId: string; role: string; binning: number; marks?: Record<string, number> }

export type WebviewToHost = ReadyMessage | WebviewRequest | WebviewErrorMessage | PaintedMessage;

// ---------------------------------------------------------------------------------------------------------------
// Runtime guards: both sides receive `unknown` from postMessage; check before trusting.

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isPosInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) > 0;
const isRole = (x: unknown): x is ImageRole => IMAGE_ROLES.includes(x as ImageRole);
const isBuf = (x: unknown): x is ArrayBuffer =>
  x instanceof ArrayBuffer || Object.prototype.toString.call(x) === '[object ArrayBuffer]';

export function isImageMessage(x: unknown): x is ImageMessage {
  if (!(isObj(x) && x.type === 'image' && isStr(x.id) && isStr(x.caseId) && isRole(x.role)
    && isPosInt(x.fpixels) && isPosInt(x.spixels) && isBuf(x.buffer))) return false;
  if (x.level === undefined || x.level === 'full') return true;
  if (x.level !== 'preview') return false;
  // A preview must say how it was binned, and its size must follow from the full size and the bin.
  const k = x.binning;
  return isPosInt(k) && k >= 2 && x.previewFpixels === Math.ceil(x.fpixels / k) && x.previewSpixels === Math.ceil(x.spixels / k);
}

/** Width × height of the pixels an image message carries (the preview's size for a preview). */
export function messagePixels(msg: ImageMessage): { fpixels: number; spixels: number } {
  return msg.level === 'preview' && msg.previewFpixels && msg.previewSpixels
    ? { fpixels: msg.previewFpixels, spixels: msg.previewSpixels } : { fpixels: msg.fpixels, spixels: msg.spixels };
}

function isCaseView(x: unknown): x is CaseView {
  return isObj(x) && isStr(x.caseId) && isStr(x.label) && Array.isArray(x.flags) && isObj(x.verdict)
    && isStr((x.verdict as Record<string, unknown>).status) && Array.isArray(x.mismatches)
    && Array.isArray(x.preflight) && Array.isArray(x.trend) && Array.isArray(x.images)
    && isPosInt(x.fpixels) && isPosInt(x.spixels) && isObj(x.reference) && isObj(x.candidate)
    && (x.suggestions === undefined || (Array.isArray(x.suggestions) && x.suggestions.every(isFixSuggestion)));
}

export function isViewModel(x: unknown): x is ViewModel {
  return isObj(x) && isStr(x.bundleDir) && isStr(x.stamp) && isStr(x.layout) && typeof x.readOnly === 'boolean'
    && Array.isArray(x.cases) && x.cases.every(isCaseView) && (x.whatIf === undefined || isWhatIfInfo(x.whatIf));
}

export function isHostToWebview(x: unknown): x is HostToWebview {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'snapshot': return isViewModel(x.viewModel);
    case 'image': return isImageMessage(x);
    case 'progress': return isStr(x.message) && (x.fraction === undefined || isNum(x.fraction));
    case 'response': return Number.isInteger(x.requestId) && typeof x.ok === 'boolean';
    case 'hostError': return isStr(x.message);
    case 'traceResult': return isTraceView(x.view);
    default: return isCompareHostMessage(x);
  }
}

export function isPersistedState(x: unknown): x is PersistedState {
  if (!isObj(x) || x.version !== PROTOCOL_VERSION || !isObj(x.settings)) return false;
  const s = x.settings;
  return (s.scale === 'linear' || s.scale === 'log') && isNum(s.clipPercentile) && isNum(s.zoom)
    && (s.colorMap === 'viridis' || s.colorMap === 'grey')
    && (s.sharedRange === undefined || typeof s.sharedRange === 'boolean')
    && (s.lockedRange === undefined || isLockedRange(s.lockedRange));
}

export function isWebviewToHost(x: unknown): x is WebviewToHost {
  if (!isObj(x)) return false;
  if (x.type === 'ready') return isNum(x.protocolVersion) && (x.state === undefined || isPersistedState(x.state));
  if (x.type === 'error') return isStr(x.kind) && isStr(x.message);
  if (x.type === 'painted') return isNum(x.at) && isStr(x.caseId) && isStr(x.role) && isNum(x.binning) && (x.marks === undefined || (isObj(x.marks) && Object.values(x.marks).every(isNum)));
  if (!Number.isInteger(x.requestId)) return false;
  switch (x.type) {
    case 'rerun': return isStr(x.bundleDir) && (x.caseIds === undefined || (Array.isArray(x.caseIds) && x.caseIds.every(isStr)));
    case 'recordAttempt': return isStr(x.bundleDir);
    case 'openBundleFolder': return isStr(x.bundleDir);
    case 'copyMetricsMarkdown': return x.markdown === undefined || isStr(x.markdown);
    case 'exportPng': return isStr(x.caseId) && isStr(x.suggestedName) && isBuf(x.buffer);
    case 'requestImage': return isStr(x.id);
    case 'requestFullImage': return isStr(x.caseId) && isRole(x.role);
    case 'trace': return isTraceRequest(x);
    case 'traceCancel': return true;
    default: return isCompareRequest(x);
  }
}

/**
 * An ArrayBuffer holding exactly these bytes. A Node Buffer or a subarray is a window on a larger (pooled) buffer;
 * posting its `.buffer` would ship the whole pool. Copies only when the view does not already span its buffer.
 */
export function exactArrayBuffer(view: ArrayBufferView): ArrayBuffer {
  const buf = view.buffer;
  if (buf instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === buf.byteLength) return buf;
  const out = new ArrayBuffer(view.byteLength);
  new Uint8Array(out).set(new Uint8Array(buf, view.byteOffset, view.byteLength));
  return out;
}

/** Build the `image` message for a float image, checking the size so a wrong buffer fails on the host, not in the view. */
export function imageMessage(ref: ImageRef & { caseId: string }, image: Float32Array): ImageMessage {
  const expected = ref.fpixels * ref.spixels;
  if (image.length !== expected) {
    throw new Error(`image ${ref.id} (${ref.caseId} ${ref.role}) has ${image.length} pixels, expected ${ref.fpixels}×${ref.spixels} = ${expected}`);
  }
  return { type: 'image', id: ref.id, caseId: ref.caseId, role: ref.role, fpixels: ref.fpixels, spixels: ref.spixels, buffer: exactArrayBuffer(image) };
}

/** The `level: 'preview'` message of an already binned image (see maxBin in preview.ts), size-checked like imageMessage. */
export function previewImageMessage(ref: ImageRef & { caseId: string }, preview: Float32Array, binning: number): ImageMessage {
  const pf = Math.ceil(ref.fpixels / binning), ps = Math.ceil(ref.spixels / binning);
  if (!Number.isInteger(binning) || binning < 2) throw new Error(`preview of image ${ref.id}: binning must be an integer ≥ 2, got ${binning}`);
  if (preview.length !== pf * ps) {
    throw new Error(`preview of image ${ref.id} (${ref.caseId} ${ref.role}) has ${preview.length} pixels, expected ${pf}×${ps} = ${pf * ps} for ${binning}×${binning} bins of ${ref.fpixels}×${ref.spixels}`);
  }
  return { type: 'image', id: ref.id, caseId: ref.caseId, role: ref.role, fpixels: ref.fpixels, spixels: ref.spixels,
    buffer: exactArrayBuffer(preview), level: 'preview', binning, previewFpixels: pf, previewSpixels: ps };
}

/** Float32 view of a received image, validated against its declared size. */
export function imageFromMessage(msg: ImageMessage): Float32Array {
  const { fpixels, spixels } = messagePixels(msg);
  const expected = fpixels * spixels * 4;
  if (msg.buffer.byteLength !== expected) {
    const what = msg.level === 'preview' ? `preview of image ${msg.id}` : `image ${msg.id}`;
    throw new Error(`${what} has ${msg.buffer.byteLength} bytes, expected ${fpixels}×${spixels}×4 = ${expected}`);
  }
  return new Float32Array(msg.buffer);
}
