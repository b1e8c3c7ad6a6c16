// Plain data of a parsed pixel trace and of a trace comparison. JSON-friendly where it leaves the core
// (TraceDiff): values travel as the printed text, never as NaN/Infinity numbers.

/** Which simulator's trace dialect a file speaks: C (`TRACE_C…`, also the embedded engine) or PyTorch (`TRACE_PY…`). */
export type TraceFormat = 'c' | 'py';

/** Where a line belongs: the per-run geometry block, the pixel block, one source, one φ step. */
export type TraceGroup = 'geometry' | 'pixel' | 'source' | 'phi';

/** One printed value: numbers (NaN/±Infinity allowed) and, for composite or text values, the labels/text. */
export interface TraceValue {
  /** Numbers in printed order (a matrix row-major, a composite value's numbers in label order). */
  numbers: number[];
  /** `rotx:0 roty:0` → ['rotx', 'roty']; absent for plain values. */
  labels?: string[];
  /** Set when the value is not numeric (`MOSFLM`, a formula); compared as text. */
  text?: string;
  /** The value exactly as printed (trimmed). */
  raw: string;
  /** True when every number was printed as an integer (`hkl_rounded`, `steps`). */
  integer: boolean;
}

/** One name in a trace with every value it was printed with (repeated pixel blocks keep them all). */
export interface TraceEntry {
  /** Unique within the trace: `F_latt_a`, `geometry:pix0_vector`, `source[2].polar`, `phi[0].k_frac`. */
  key: string;
  /** The name as printed. */
  name: string;
  group: TraceGroup;
  /** Source index or φ tic. */
  index?: number;
  /** Every printed value, in file order; geometry duplicates with identical text are dropped. */
  values: TraceValue[];
  /** 1-based line of the first occurrence. */
  line: number;
}

export interface ParsedTrace {
  format: TraceFormat;
  /** The traced pixel when the trace names it (`TRACE_CONFIG: tracing pixel (spixel=…)`, `Tracing pixel (slow=…)`). */
  pixel?: { slow: number; fast: number };
  /** Entries in first-appearance order. */
  entries: TraceEntry[];
  byKey: Map<string, TraceEntry>;
  /** How many times the pixel block was printed (thickness × sub-pixel loops); 1 when it was printed once. */
  blockCount: number;
  /** `TRACE_CONFIG:` lines (text). */
  config: string[];
  /** Lines that looked like trace lines but could not be read (line number and why); never thrown. */
  warnings: string[];
  /** Non-trace lines skipped (progress, banners, untagged `TRACE:` lines). */
  ignoredLines: number;
}

/** How a row's two sides compare. */
export type RowClass =
  | 'equal'
  | 'precision'
  | 'units?'
  | 'sign'
  | 'differs'
  | 'missing-reference'
  | 'missing-candidate';

export type CandidateDtype = 'float32' | 'float64';

/** One aligned row of the comparison table. */
export interface TraceRow {
  /** Canonical (C) name, e.g. `F_cell`, `source[2].polar`. */
  key: string;
  /** Display name: the canonical name, with the candidate's own name when an alias was used (`F_cell ↔ F_cell_nearest`). */
  label: string;
  group: TraceGroup;
  index?: number;
  /** Printed values (first occurrence), null when that side does not print the name. */
  reference: string | null;
  candidate: string | null;
  /** How many times each side printed it (repeated pixel blocks). */
  referenceCount: number;
  candidateCount: number;
  /** max |Δ| over the components relative to the larger vector's largest component; null when not numeric. */
  relDiff: number | null;
  class: RowClass;
  /** A known trace quirk explains the difference: the row is an artefact, never the cause. */
  artefact?: { quirk: string; reason: string };
  /** True when this row's difference reaches the final intensity (through the dependency chain). */
  reaches: boolean;
  /** 'first' for the first divergence, 'later' for each later independent one. */
  divergence?: 'first' | 'later';
  /** What the name stands for, when it helps a person (`N cells`, `sources × mosaic × φ × oversample²`). */
  hint?: string;
  /** True for names one dialect prints and the other never does (geometry block, spindle_axis_*…): not a difference. */
  formatOnly?: boolean;
}

export interface Divergence {
  name: string;
  reference: string | null;
  candidate: string | null;
  class: RowClass;
  relDiff: number | null;
  hint?: string;
}

export type TraceVerdict = 'differ' | 'agree' | 'agree-by-compensation';

/** The comparison of two traces of one pixel: the shape `nb-parity trace --json` prints. */
export interface TraceDiff {
  case: string;
  pixel: { slow: number; fast: number };
  verdict: TraceVerdict;
  firstDivergence: Divergence | null;
  laterDivergences: Divergence[];
  /** The factors of the final intensity whose differences cancel (agree-by-compensation), else []. */
  compensation: Divergence[];
  rows: TraceRow[];
  /** Each side's final traced intensity against its own image at the pixel; null when no image or no final value. */
  traceMatchesImage: { reference: boolean | null; candidate: boolean | null };
  /** The pixel's result on each side (image value when given, else the traced final intensity). */
  result: { reference: number | null; candidate: number | null; relDiff: number | null; source: 'image' | 'trace' };
  referenceFormat: TraceFormat;
  candidateFormat: TraceFormat;
  candidateDtype: CandidateDtype;
  /** The person-readable verdict (one paragraph). */
  text: string;
  /** Problems worth saying (a product model that does not reproduce a side's final value, unread lines…). */
  notes: string[];
}
