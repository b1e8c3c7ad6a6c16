// Protocol additions for comparing across time and space (issue 16): a case's history, compare-with-previous,
// data export and what-if runs (webview → host), and the history rows and peak markers (host → webview).
// Kept beside messages.ts (whose guards delegate here) so each file stays small; same compatibility rule:
// only add optional fields or new message types.
import type { FixSuggestion, Verdict, WhatIf } from './types.ts';

interface RequestBase { requestId: number }

/** Show every bundle that ran this case (newest first). */
export interface ShowHistoryMessage extends RequestBase { type: 'showHistory'; caseId: string }
/** Open this case of this bundle next to the same case of the bundle before it, linked. */
export interface CompareWithPreviousMessage extends RequestBase { type: 'compareWithPrevious'; bundleDir: string; caseId: string }
/** Open another bundle (a history row was clicked). */
export interface OpenBundleMessage extends RequestBase { type: 'openBundle'; bundleDir: string; caseId?: string }
/** Export the case's images and Δ as .npy and its metrics (+ the ROI, when one is drawn) as CSV; host asks for the folder. */
export interface ExportDataMessage extends RequestBase {
  type: 'exportData';
  bundleDir: string;
  caseId: string;
  format: 'npy' | 'csv' | 'both';
  /** The ROI drawn in the webview (inclusive fast/slow bounds), reported as extra CSV rows. */
  roi?: { x0: number; x1: number; y0: number; y1: number };
}
/** Re-run the case with the suggested flags on both sides, as a what-if bundle. */
export interface RunWhatIfMessage extends RequestBase { type: 'runWhatIf'; bundleDir: string; caseId: string; flags: string[]; reason?: string }

/** Open the linked compare view of this case in two bundles (a history row's "Compare"). */
export interface OpenCompareMessage extends RequestBase { type: 'openCompare'; bundleA: string; bundleB: string; caseId: string }

export type CompareRequest = ShowHistoryMessage | CompareWithPreviousMessage | OpenBundleMessage | ExportDataMessage | RunWhatIfMessage | OpenCompareMessage;

/** ViewModel.compare: the panel shows one case of two bundles linked (src/core/compare/compareView.ts). */
export interface CompareInfo {
  caseId: string;
  /** The case id in B (differs for a what-if run). */
  caseIdB: string;
  a: { dir: string; stamp: string; label: string; verdict: Verdict['status'] };
  b: { dir: string; stamp: string; label: string; verdict: Verdict['status'] };
  /** compareBundles' judgement ("better: fail → pass"), or the two verdicts. */
  judgement: string;
  /** Which side moved between the bundles, how much, where. */
  moved: string;
}

/** CaseView.sides: what a compare-view case's panels show, and its badge instead of PASS/FAIL. */
export interface CompareSideLabels {
  reference: string; candidate: string; diff: string; badge?: string;
  /** 'own' = a bundle's own case (its Δ panel shares one range with the other bundle's); 'between' = A vs B. */
  group?: 'own' | 'between';
}

/** One bundle in a case's history. Numbers are null where the bundle has none. */
export interface HistoryRow {
  bundleDir: string;
  stamp: string;
  /** ISO time from the STAMP (for the chart's x axis). */
  time: string;
  verdict: Verdict['status'] | 'unknown';
  correlation: number | null;
  sumRatio: number | null;
  maxAbsDiff: number | null;
  engines: string;
  /** The engine ids of each side (c, torch, embedded), for filtering; absent in rows from older hosts. */
  candidateEngine?: string;
  referenceEngine?: string;
  /** Workspace git commit recorded in env.json (short), when there was one. */
  gitCommit?: string;
  whatIf?: boolean;
}

export interface HistoryMessage { type: 'history'; caseId: string; rows: HistoryRow[] }

/** A peak found on the host (core/metrics/peaks); `matched` = it has a partner on the other side. */
export interface PeakPoint { slow: number; fast: number; matched?: boolean }

/** A peak marker list for one case (found on the host with core/metrics/peaks). */
export interface PeaksMessage {
  type: 'peaks';
  caseId: string;
  reference: PeakPoint[];
  candidate: PeakPoint[];
  matchedCount: number;
  meanDistance: number | null;
  maxDistance: number | null;
}

export type CompareHostMessage = HistoryMessage | PeaksMessage;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNumOrNull = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));
const isInt = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
const isRect = (x: unknown) => isObj(x) && [x.x0, x.x1, x.y0, x.y1].every(isInt) && (x.x0 as number) <= (x.x1 as number) && (x.y0 as number) <= (x.y1 as number);
const isPoint = (x: unknown) => isObj(x) && isInt(x.slow) && isInt(x.fast);

export function isCompareRequest(x: unknown): x is CompareRequest {
  if (!isObj(x) || !Number.isInteger(x.requestId)) return false;
  switch (x.type) {
    case 'showHistory': return isStr(x.caseId);
    case 'compareWithPrevious': return isStr(x.bundleDir) && isStr(x.caseId);
    case 'openBundle': return isStr(x.bundleDir) && (x.caseId === undefined || isStr(x.caseId));
    case 'exportData': return isStr(x.bundleDir) && isStr(x.caseId) && (x.format === 'npy' || x.format === 'csv' || x.format === 'both') && (x.roi === undefined || isRect(x.roi));
    case 'openCompare': return isStr(x.bundleA) && isStr(x.bundleB) && isStr(x.caseId);
    case 'runWhatIf': return isStr(x.bundleDir) && isStr(x.caseId) && Array.isArray(x.flags) && x.flags.length > 0 && x.flags.every(isStr) && (x.reason === undefined || isStr(x.reason));
    default: return false;
  }
}

export function isFixSuggestion(x: unknown): x is FixSuggestion {
  return isObj(x) && Array.isArray(x.flags) && x.flags.length > 0 && x.flags.every(isStr) && isStr(x.why)
    && Array.isArray(x.from) && x.from.every(isStr);
}

export function isWhatIfInfo(x: unknown): x is WhatIf {
  return isObj(x) && Array.isArray(x.flags) && x.flags.every(isStr) && Array.isArray(x.of) && x.of.every(isStr) && (x.reason === undefined || isStr(x.reason));
}

export function isHistoryRow(x: unknown): x is HistoryRow {
  return isObj(x) && isStr(x.bundleDir) && isStr(x.stamp) && isStr(x.time) && isStr(x.verdict) && isStr(x.engines)
    && isNumOrNull(x.correlation) && isNumOrNull(x.sumRatio) && isNumOrNull(x.maxAbsDiff)
    && (x.gitCommit === undefined || isStr(x.gitCommit)) && (x.whatIf === undefined || typeof x.whatIf === 'boolean')
    && (x.candidateEngine === undefined || isStr(x.candidateEngine)) && (x.referenceEngine === undefined || isStr(x.referenceEngine));
}

export function isCompareHostMessage(x: unknown): x is CompareHostMessage {
  if (!isObj(x)) return false;
  if (x.type === 'history') return isStr(x.caseId) && Array.isArray(x.rows) && x.rows.every(isHistoryRow);
  if (x.type === 'peaks') {
    return isStr(x.caseId) && Array.isArray(x.reference) && x.reference.every(isPoint) && Array.isArray(x.candidate) && x.candidate.every(isPoint)
      && isInt(x.matchedCount) && isNumOrNull(x.meanDistance) && isNumOrNull(x.maxDistance);
  }
  return false;
}
