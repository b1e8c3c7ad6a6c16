// The trace table's layout, without the DOM (unit-tested): rows grouped geometry → pixel → each φ step → each
// source, in the trace's order; the first divergence marked and the row to scroll to; artefacts dimmed with their
// reason; names one dialect prints only are counted, not shown.
import type { TraceRowView, TraceView } from '../../src/shared/traceMessages.ts';
import { fmtNumber } from '../../src/shared/format.ts';

export interface TableRow {
  key: string;
  cells: { name: string; reference: string; candidate: string; relDiff: string; class: string };
  /** CSS classes: trace-first, trace-later, trace-artefact, trace-differs, trace-equal… */
  classes: string[];
  /** Artefact reason or hint, shown under the name (and as the row's title). */
  note?: string;
}

export interface TableSection {
  title: string;
  rows: TableRow[];
}

export interface TableLayout {
  sections: TableSection[];
  /** Key of the row to highlight and scroll to (the first divergence), if any. */
  focusKey?: string;
  /** Names printed by one dialect only (geometry block vs PyTorch…): not differences, not shown as rows. */
  formatOnly: number;
  /** Rows that differ beyond precision and are not artefacts. */
  differing: number;
}

const GROUP_TITLE = { geometry: 'Geometry (per run)', pixel: 'Pixel' } as const;

function sectionTitle(r: TraceRowView): string {
  if (r.group === 'phi') return `φ step ${r.index ?? 0}`;
  if (r.group === 'source') return `Source ${r.index ?? 0}`;
  return GROUP_TITLE[r.group];
}

function rowClasses(r: TraceRowView): string[] {
  const out = [`trace-${r.class.replace('?', '').replace(/[^a-z-]/g, '')}`];
  if (r.divergence === 'first') out.push('trace-first');
  else if (r.divergence === 'later') out.push('trace-later');
  if (r.artefact) out.push('trace-artefact');
  return out;
}

const ORDER = { geometry: 0, pixel: 1, phi: 2, source: 3 } as const;

export function traceTableLayout(view: TraceView): TableLayout {
  const sections = new Map<string, { order: [number, number, number]; section: TableSection }>();
  let formatOnly = 0;
  let differing = 0;
  let focusKey: string | undefined;
  view.rows.forEach((r, i) => {
    if (r.formatOnly) { formatOnly++; return; }
    if (!r.artefact && r.class !== 'equal' && r.class !== 'precision') differing++;
    if (r.divergence === 'first') focusKey = r.key;
    const title = sectionTitle(r);
    let s = sections.get(title);
    if (!s) { s = { order: [ORDER[r.group], r.index ?? 0, i], section: { title, rows: [] } }; sections.set(title, s); }
    const counts = (r.referenceCount ?? 1) > 1 || (r.candidateCount ?? 1) > 1 ? ` (printed ${r.referenceCount ?? 1}× / ${r.candidateCount ?? 1}×)` : '';
    s.section.rows.push({
      key: r.key,
      cells: { name: r.label, reference: r.reference ?? '—', candidate: r.candidate ?? '—', relDiff: r.relDiff === null ? '' : fmtNumber(r.relDiff), class: r.class },
      classes: rowClasses(r),
      note: (r.artefact ? `artefact: ${r.artefact.reason}` : r.hint ?? '') + counts || undefined,
    });
  });
  const ordered = [...sections.values()].sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2]);
  return { sections: ordered.map((s) => s.section), focusKey, formatOnly, differing };
}
