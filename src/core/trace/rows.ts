// Turn aligned pairs into classified rows: missing sides, repeated blocks, and the inherent trace quirks.
// Whether a row's difference reaches the result is decided later (factors.ts / diff.ts).
import type { AlignedPair } from './align.ts';
import { classifyValues, isDifference, type Classified } from './classify.ts';
import { FORMAT_ONLY, hintFor } from './names.ts';
import { QUIRKS, roundingExplains, type Quirk, type QuirkContext } from './quirks.ts';
import type { CandidateDtype, TraceEntry, TraceRow, TraceValue } from './types.ts';

function shown(e: TraceEntry | undefined): string | null {
  return e ? e.values[0]?.raw ?? '' : null;
}

/** Component-wise: does `v` lie within the range the repeated values span? */
function withinRange(v: TraceValue, repeated: readonly TraceValue[]): boolean {
  if (!v.numbers.length) return false;
  return v.numbers.every((x, i) => {
    const col = repeated.map((r) => r.numbers[i]).filter((n) => n !== undefined && Number.isFinite(n));
    if (!col.length || !Number.isFinite(x)) return false;
    const lo = Math.min(...col);
    const hi = Math.max(...col);
    const slack = 1e-6 * Math.max(Math.abs(lo), Math.abs(hi), 1e-300);
    return x >= lo - slack && x <= hi + slack;
  });
}

/** Classify the pair, judging repeated blocks value by value when both sides repeat equally often. */
function classifyPair(r: TraceEntry, c: TraceEntry, dtype: CandidateDtype): Classified & { repeated?: boolean } {
  const first = classifyValues(r.values[0], c.values[0], dtype);
  if (r.values.length === c.values.length) {
    let worst = first;
    for (let i = 1; i < r.values.length; i++) {
      const k = classifyValues(r.values[i], c.values[i], dtype);
      if (isDifference(k.class) && !isDifference(worst.class)) worst = k;
      else if ((k.relDiff ?? 0) > (worst.relDiff ?? 0) && isDifference(k.class) === isDifference(worst.class)) worst = k;
    }
    return worst;
  }
  if (isDifference(first.class)) {
    const [one, many] = r.values.length === 1 ? [r.values[0], c.values] : [c.values[0], r.values];
    if (withinRange(one, many)) return { ...first, repeated: true };
  }
  return first;
}

function isFormatOnly(pair: AlignedPair, ctx: QuirkContext): boolean {
  if (ctx.reference.format === ctx.candidate.format) return false;
  if (pair.group === 'geometry') return true;
  const name = (pair.reference ?? pair.candidate)!.name;
  if (FORMAT_ONLY.has(pair.group === 'source' ? `source.${name}` : name)) return true;
  // C prints source index 2 only (hard-coded), PyTorch every source: C lacking another index is its format.
  // A dialect that prints no φ rows at all (PyTorch without TRACE_PY_PHI) has no φ rows to miss.
  if (pair.group === 'phi') {
    const missingSide = pair.reference ? ctx.candidate : ctx.reference;
    return !missingSide.entries.some((e) => e.group === 'phi');
  }
  if (pair.group === 'source') {
    const missingSide = pair.reference ? ctx.candidate : ctx.reference;
    return missingSide.format === 'c' && pair.index !== 2;
  }
  return false;
}

/** The inherent quirk explaining a differing row, if any (tainted ones are settled with the factors). */
function inherentQuirk(row: TraceRow, k: Classified, quirks: readonly Quirk[], pair: AlignedPair, hklFrac: readonly number[]): Quirk | undefined {
  for (const q of quirks) {
    if (!q.inherent.includes(row.key)) continue;
    if (q === QUIRKS.scatteringUnits && !(k.class === 'units?' && Math.abs(k.power ?? 0) === 10)) continue;
    if (q === QUIRKS.beamCenterLogging && !(k.class === 'units?' && Math.abs(k.power ?? 0) === 3)) continue;
    if (q === QUIRKS.hklRounding) {
      const rr = pair.reference?.values[0]?.numbers ?? [];
      const cr = pair.candidate?.values[0]?.numbers ?? [];
      if (!roundingExplains(hklFrac, rr, cr)) continue;
    }
    return q;
  }
  return undefined;
}

export interface RowsResult {
  rows: TraceRow[];
  /** Canonical key → the tainted quirk that may explain it (decided once reach is known). */
  tainted: Map<string, Quirk>;
}

/** Classify every aligned pair; artefacts from inherent quirks and repeated blocks are set here. */
export function buildRows(pairs: readonly AlignedPair[], ctx: QuirkContext, quirks: readonly Quirk[], dtype: CandidateDtype): RowsResult {
  const rows: TraceRow[] = [];
  const tainted = new Map<string, Quirk>();
  const hklFrac = pairs.find((p) => p.key === 'hkl_frac');
  for (const pair of pairs) {
    const label = pair.alias ? `${pair.key} ↔ ${pair.alias}` : pair.key;
    const row: TraceRow = {
      key: pair.key,
      label,
      group: pair.group,
      reference: shown(pair.reference),
      candidate: shown(pair.candidate),
      referenceCount: pair.reference?.values.length ?? 0,
      candidateCount: pair.candidate?.values.length ?? 0,
      relDiff: null,
      class: pair.reference ? 'missing-candidate' : 'missing-reference',
      reaches: false,
    };
    if (pair.index !== undefined) row.index = pair.index;
    if (!pair.reference || !pair.candidate) {
      if (isFormatOnly(pair, ctx)) row.formatOnly = true;
      rows.push(row);
      continue;
    }
    const k = classifyPair(pair.reference, pair.candidate, dtype);
    row.class = k.class;
    row.relDiff = k.relDiff;
    const hint = hintFor(pair.reference.name, pair.reference.values[0]?.numbers, pair.candidate.values[0]?.numbers);
    if (hint) row.hint = hint;
    if (isDifference(k.class)) {
      if (k.repeated) row.artefact = { quirk: QUIRKS.repeatedBlock.id, reason: QUIRKS.repeatedBlock.reason };
      const frac = hklFrac?.reference?.values[0]?.numbers ?? [];
      const q = row.artefact ? undefined : inherentQuirk(row, k, quirks, pair, frac);
      if (q) row.artefact = { quirk: q.id, reason: q.reason };
      if (!row.artefact) {
        const t = quirks.find((x) => x.tainted.includes(row.key));
        if (t) tainted.set(row.key, t);
      }
    }
    rows.push(row);
  }
  return { rows, tainted };
}
