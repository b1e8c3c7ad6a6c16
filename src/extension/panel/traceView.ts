// A finished trace run → the webview's TraceView (what the table shows). Pure: no vscode, so it is unit-tested.
import type { TraceRunResult } from '../../core/run/trace.ts';
import type { TraceView } from '../../shared/traceMessages.ts';

export function traceViewOf(r: TraceRunResult): TraceView {
  const d = r.diff;
  return {
    caseId: d.case,
    pixel: { slow: r.pixel.slow, fast: r.pixel.fast },
    pixelSource: r.pixelSource,
    verdict: d.verdict,
    text: d.text,
    firstDivergence: d.firstDivergence
      ? { name: d.firstDivergence.name, reference: d.firstDivergence.reference, candidate: d.firstDivergence.candidate, class: d.firstDivergence.class, relDiff: finiteOrNull(d.firstDivergence.relDiff) }
      : null,
    rows: d.rows.map((row) => ({
      key: row.key, label: row.label, group: row.group, index: row.index, reference: row.reference, candidate: row.candidate,
      relDiff: finiteOrNull(row.relDiff), class: row.class, artefact: row.artefact, divergence: row.divergence, hint: row.hint,
      formatOnly: row.formatOnly, referenceCount: row.referenceCount, candidateCount: row.candidateCount,
    })),
    traceMatchesImage: d.traceMatchesImage,
    files: r.record.files,
    bundleDir: r.bundleDir,
    wallMs: Math.round(r.timing.totalMs),
  };
}

/** postMessage clones Infinity fine, but the guards and the table treat a non-finite ratio as "not comparable". */
function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}
