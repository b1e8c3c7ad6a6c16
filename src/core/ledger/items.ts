// Which section an attempt goes into, and what the user must be told about it (archived, duplicated, drifted).
import { LedgerError } from './edits.ts';
import { checkAttemptNumber } from './collisions.ts';
import { githubSlug, type ArchivedOneLiner, type IndexRow, type ItemSection, type LedgerDoc } from './parse.ts';

export const DEFAULT_ITEM = 'SOURCE-WEIGHT-001';

export interface ItemSummary {
  id: string;
  title: string;
  /** Section status (first `- Status:` line), else the Index cell. */
  status?: string;
  indexStatus?: string;
  state: 'live' | 'archived' | 'index-only';
  /** 1-based line of the section heading / archive line / Index row. */
  line: number;
  successor?: string;
  nextAttempt?: number;
}

export function statusValue(doc: LedgerDoc, s: ItemSection): string | undefined {
  const f = s.statusFields[0];
  return f ? doc.lines[f.line]!.text.slice(f.valueFrom).trim() : undefined;
}

/** 1 + max over the section's attempt bullets, `### Attempt #N` headings and Next Actions `(Attempt #N` prefixes. */
export function nextAttemptNumber(sections: ItemSection[]): number {
  let max = 0;
  for (const s of sections) {
    for (const e of [...s.historyEntries, ...s.headingAttempts]) if (e.number !== undefined) max = Math.max(max, e.number);
    for (const n of s.nextActionAttempts) max = Math.max(max, n);
  }
  return max + 1;
}

/** Every item the ledger knows, for the quick pick: live sections, archived one-liners, Index-only rows. */
export function listItems(doc: LedgerDoc): ItemSummary[] {
  const out: ItemSummary[] = [];
  const seen = new Set<string>();
  const indexRow = (id: string) => doc.index?.rows.find((r) => r.id === id);
  for (const s of doc.sections) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    const same = doc.sections.filter((x) => x.id === s.id);
    out.push({ id: s.id, title: s.title, status: statusValue(doc, s) ?? indexRow(s.id)?.status?.value, indexStatus: indexRow(s.id)?.status?.value,
      state: 'live', line: s.headingLine + 1, nextAttempt: checkAttemptNumber(doc, s.id, nextAttemptNumber(same)).next });
  }
  for (const a of doc.archive?.oneLiners ?? []) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    out.push({ id: a.id, title: a.text, status: 'archived', indexStatus: indexRow(a.id)?.status?.value, state: 'archived', line: a.line + 1, successor: a.successor });
  }
  for (const r of doc.index?.rows ?? []) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push({ id: r.id, title: r.title, status: r.status?.value, indexStatus: r.status?.value, state: 'index-only', line: r.line + 1 });
  }
  return out;
}

export interface ResolvedItem {
  section: ItemSection;
  /** All sections with this id (duplicates included). */
  all: ItemSection[];
  indexRow?: IndexRow;
  archived?: ArchivedOneLiner;
  nextNumber: number;
  warnings: string[];
}

/**
 * The section to write into. Refuses (LedgerError) an archived-only, Index-only or unknown item: an attempt must
 * never silently create a section. With duplicated sections, the one holding the highest attempt number wins and
 * numbering continues over all of them, so no number is reused.
 */
export function resolveItem(doc: LedgerDoc, id: string, ledgerName = 'fix_plan.md'): ResolvedItem {
  const all = doc.sections.filter((s) => s.id === id);
  const indexRow = doc.index?.rows.find((r) => r.id === id);
  const archived = doc.archive?.oneLiners.find((a) => a.id === id);
  if (all.length === 0) {
    if (archived) {
      const succ = archived.successor ? `; its successor is [${archived.successor}] — record against it with --item ${archived.successor}` : '; no successor is named there, pick a live item';
      throw new LedgerError('archived', `[${id}] survives only as an archived one-liner in ${ledgerName} (line ${archived.line + 1}: "${clip(archived.text)}")${succ}. No section was created.`);
    }
    if (indexRow) throw new LedgerError('index-only', `[${id}] is in the Index of ${ledgerName} (line ${indexRow.line + 1}) but has no "## [${id}]" section to hold attempts; add the section by hand or pick another item.`);
    const live = listItems(doc).filter((i) => i.state === 'live').map((i) => i.id);
    const near = live.filter((x) => x.split('-')[0] === id.split('-')[0]);
    throw new LedgerError('missing', `[${id}] is not in ${ledgerName} (no "## [${id}]" section, Index row or archive line). ${near.length ? `Similar items: ${near.join(', ')}.` : `Live items: ${live.slice(0, 12).join(', ') || 'none'}.`}`);
  }
  const warnings: string[] = [];
  let section = all[0]!;
  if (all.length > 1) {
    const top = (s: ItemSection) => Math.max(0, ...[...s.historyEntries, ...s.headingAttempts].map((e) => e.number ?? 0));
    for (const s of all) if (top(s) > top(section)) section = s;
    warnings.push(`[${id}] has ${all.length} sections (lines ${all.map((s) => s.headingLine + 1).join(', ')}); writing into the one at line ${section.headingLine + 1}, numbering continues over all of them.`);
  }
  if (archived) warnings.push(`[${id}] is also listed under Completed / Archived (line ${archived.line + 1}).`);
  if (section.statusFields.length > 1) warnings.push(`[${id}] has ${section.statusFields.length} "- Status:" lines (lines ${section.statusFields.map((f) => f.line + 1).join(', ')}); only the first is ever edited.`);
  const secStatus = statusValue(doc, section);
  if (!indexRow) warnings.push(`[${id}] has no row in the Index.`);
  else {
    if (indexRow.status && secStatus && firstWord(indexRow.status.value) !== firstWord(secStatus)) {
      warnings.push(`Index and section disagree on [${id}]: Index (line ${indexRow.line + 1}) says "${indexRow.status.value}", section (line ${section.statusFields[0]!.line + 1}) says "${secStatus}".`);
    }
    const slug = githubSlug(doc.headings.find((h) => h.line === section.headingLine)!.text);
    if (indexRow.anchor !== undefined && indexRow.anchor !== slug) warnings.push(`Index anchor "#${indexRow.anchor}" for [${id}] does not match the heading's anchor "#${slug}" (left as is).`);
  }
  // The section's own numbering, checked against the whole file (an entry moved under Completed keeps its number).
  const check = checkAttemptNumber(doc, id, nextAttemptNumber(all), ledgerName);
  if (check.warning) warnings.push(check.warning);
  return { section, all, indexRow, archived, nextNumber: check.next, warnings };
}

export function firstWord(s: string): string {
  return (/^[\s*_`]*([A-Za-z_]+)/.exec(s)?.[1] ?? s).toLowerCase();
}

function clip(s: string, n = 120): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
