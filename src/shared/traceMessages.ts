// The pixel-trace part of the webview protocol (see messages.ts for the rest):
//   webview → host  `trace` (caseId, pixel S,F | 'max-delta' | 'peak') → host posts `progress` while both sides
//                   run, then `traceResult` (the table), then the `response` of the request (ok or what went wrong).
//   webview → host  `traceCancel`: abort the running trace (its processes are killed; nothing is filed).
// The view is the trace core's TraceDiff reduced to what the table shows; values travel as the printed text.

export type TracePixelRequest = { slow: number; fast: number } | 'max-delta' | 'peak';

export type TraceRowClass = 'equal' | 'precision' | 'units?' | 'sign' | 'differs' | 'missing-reference' | 'missing-candidate';
export type TraceVerdictName = 'differ' | 'agree' | 'agree-by-compensation';
export type TraceRowGroup = 'geometry' | 'pixel' | 'source' | 'phi';

export interface TraceRowView {
  key: string;
  label: string;
  group: TraceRowGroup;
  /** Source index or φ tic. */
  index?: number;
  reference: string | null;
  candidate: string | null;
  relDiff: number | null;
  class: TraceRowClass;
  /** A known trace quirk: the row is dimmed with this reason. */
  artefact?: { quirk: string; reason: string };
  divergence?: 'first' | 'later';
  hint?: string;
  formatOnly?: boolean;
  referenceCount?: number;
  candidateCount?: number;
}

export interface TraceView {
  caseId: string;
  pixel: { slow: number; fast: number };
  /** Where the pixel came from ("largest finite |Δ| of bundle …"). */
  pixelSource: string;
  verdict: TraceVerdictName;
  /** The verdict as a sentence. */
  text: string;
  firstDivergence: { name: string; reference: string | null; candidate: string | null; class: TraceRowClass; relDiff: number | null } | null;
  rows: TraceRowView[];
  traceMatchesImage: { reference: boolean | null; candidate: boolean | null };
  /** Bundle-relative names of the filed trace files. */
  files: { reference: string; candidate: string; diff: string; markdown: string };
  bundleDir: string;
  /** End-to-end wall time of the trace (both runs, compare, filing). */
  wallMs?: number;
}

interface RequestBase { requestId: number }
export interface TraceRequestMessage extends RequestBase { type: 'trace'; caseId: string; pixel: TracePixelRequest }
export interface TraceCancelMessage extends RequestBase { type: 'traceCancel' }
export interface TraceResultMessage { type: 'traceResult'; view: TraceView }

// ---- guards

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isIndex = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;
const isStrOrNull = (x: unknown) => x === null || isStr(x);
const isNumOrNull = (x: unknown) => x === null || (typeof x === 'number' && !Number.isNaN(x));
const CLASSES: readonly string[] = ['equal', 'precision', 'units?', 'sign', 'differs', 'missing-reference', 'missing-candidate'];
const VERDICTS: readonly string[] = ['differ', 'agree', 'agree-by-compensation'];
const GROUPS: readonly string[] = ['geometry', 'pixel', 'source', 'phi'];

export function isTracePixelRequest(x: unknown): x is TracePixelRequest {
  if (x === 'max-delta' || x === 'peak') return true;
  return isObj(x) && isIndex(x.slow) && isIndex(x.fast);
}

function isRow(x: unknown): x is TraceRowView {
  return isObj(x) && isStr(x.key) && isStr(x.label) && GROUPS.includes(x.group as string) && isStrOrNull(x.reference)
    && isStrOrNull(x.candidate) && isNumOrNull(x.relDiff) && CLASSES.includes(x.class as string)
    && (x.index === undefined || isIndex(x.index))
    && (x.artefact === undefined || (isObj(x.artefact) && isStr(x.artefact.quirk) && isStr(x.artefact.reason)))
    && (x.divergence === undefined || x.divergence === 'first' || x.divergence === 'later');
}

export function isTraceView(x: unknown): x is TraceView {
  if (!(isObj(x) && isStr(x.caseId) && isObj(x.pixel) && isIndex(x.pixel.slow) && isIndex(x.pixel.fast) && isStr(x.pixelSource)
    && VERDICTS.includes(x.verdict as string) && isStr(x.text) && Array.isArray(x.rows) && x.rows.every(isRow)
    && isObj(x.traceMatchesImage) && isObj(x.files) && isStr(x.bundleDir))) return false;
  const f = x.firstDivergence;
  return f === null || (isObj(f) && isStr(f.name) && CLASSES.includes(f.class as string));
}

export function isTraceRequest(x: Record<string, unknown>): boolean {
  return isStr(x.caseId) && isTracePixelRequest(x.pixel);
}
