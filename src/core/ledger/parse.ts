// Defensive reader of docs/fix_plan.md: no grammar, only the landmarks a writer needs (headings, the Index table,
// item sections by `## [ID]`, their top-level `- Label:` fields, attempt entries, the archive block). Everything
// is located by line number in the original text; nothing here rewrites anything.
import { indentOf, isBlank, splitLines, type Line } from './lines.ts';

export interface Heading {
  line: number;
  level: number;
  text: string;
}

export interface Field {
  /** Line of `- Label: value`. */
  line: number;
  label: string;
  /** Offset inside the line where the value starts (after `Label:` and spaces). */
  valueFrom: number;
  /** Exclusive end line of the field's block (next field, heading or section end). */
  blockEnd: number;
}

export interface AttemptEntry {
  /** First line of the entry (a bullet, or a `### Attempt` heading). */
  line: number;
  /** Last non-blank line of the entry. */
  lastLine: number;
  number?: number;
  indent: number;
  /** The bullet marker as written (`*`, `-`, `1.`), for bullets. */
  marker?: string;
  style: 'bullet' | 'heading';
}

export interface ItemSection {
  id: string;
  title: string;
  headingLine: number;
  /** Exclusive end line: the next `#`/`##` heading or the end of the file. */
  endLine: number;
  fields: Field[];
  statusFields: Field[];
  history?: Field;
  nextActions?: Field;
  /** Bullet entries of the Attempts History block (attempts and any other notes placed there). */
  historyEntries: AttemptEntry[];
  headingAttempts: AttemptEntry[];
  /** `(Attempt #N` prefixes of Next Actions items. */
  nextActionAttempts: number[];
  /** Line is at or after the Completed / Archived heading. */
  afterArchive: boolean;
}

export interface IndexRow {
  line: number;
  id: string;
  anchor?: string;
  title: string;
  /** Status cell content span inside the line (trimmed), undefined when the row has no such cell. */
  status?: { from: number; to: number; value: string };
}

export interface ArchivedOneLiner {
  line: number;
  id: string;
  text: string;
  successor?: string;
}

export interface LedgerDoc {
  text: string;
  lines: Line[];
  headings: Heading[];
  lastUpdatedLine?: number;
  index?: { headingLine: number; endLine: number; rows: IndexRow[] };
  sections: ItemSection[];
  archive?: { headingLine: number; endLine: number; oneLiners: ArchivedOneLiner[] };
}

const FENCE = /^ {0,3}(```|~~~)/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const ITEM_HEADING = /^\[([A-Za-z0-9][A-Za-z0-9_.\-]*)\]\s*[:\-–—]?\s*(.*)$/;
// `- Label: value` at column 0. Labels start with a capital; `Attempt …` bullets are entries, not fields.
const FIELD = /^[-*+][ \t]+(?:\*\*)?([A-Z][A-Za-z0-9 /&()'’.,+_-]{0,60}?)(?:\*\*)?[ \t]*:(?:\*\*)?(?=[ \t]|$)[ \t]*/;
const BULLET = /^([ \t]*)([-*+]|\d+[.)])[ \t]+/;
// Dates and stamps in brackets/parens and punctuation may precede the words "Attempt #N" in an attempt bullet.
const ATTEMPT_BULLET = /^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\*\*|__)?(?:\[[^\]]*\][ \t]*|\([^)]*\)[ \t]*|[\d:–—-][ \t]*|\*\*)*(?:\*\*)?Attempt[ \t]*#[ \t]*(\d+)/i;
const ATTEMPT_HEADING = /^(?:\*\*)?Attempt[ \t]*#[ \t]*(\d+)/i;
const NEXT_ACTION_ATTEMPT = /\(Attempt[ \t]*#[ \t]*(\d+)/i;
export const ID_REF = /\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]/g;

export function parseLedger(text: string): LedgerDoc {
  const lines = splitLines(text);
  const headings: Heading[] = [];
  let inFence = false;
  for (const l of lines) {
    if (FENCE.test(l.text)) { inFence = !inFence; continue; }
    if (inFence) continue;
    const m = HEADING.exec(l.text);
    if (m) headings.push({ line: l.index, level: m[1]!.length, text: m[2]! });
  }
  const doc: LedgerDoc = { text, lines, headings, sections: [] };
  doc.lastUpdatedLine = lines.find((l) => /^\*\*Last Updated:?\*\*/i.test(l.text))?.index;

  // Top-level blocks end at the next heading of level 1 or 2.
  const top = headings.filter((h) => h.level <= 2);
  const endOf = (i: number) => (i + 1 < top.length ? top[i + 1]!.line : lines.length);
  let archiveLine: number | undefined;
  top.forEach((h, i) => {
    if (h.level !== 2) return;
    const item = ITEM_HEADING.exec(h.text);
    if (item) {
      doc.sections.push(parseSection(lines, headings, item[1]!, item[2]!.trim(), h.line, endOf(i), archiveLine !== undefined && h.line > archiveLine));
    } else if (/^index\b/i.test(h.text) && !doc.index) {
      doc.index = { headingLine: h.line, endLine: endOf(i), rows: parseIndexRows(lines, h.line + 1, endOf(i)) };
    } else if (/archiv|completed/i.test(h.text) && !doc.archive) {
      archiveLine = h.line;
      doc.archive = { headingLine: h.line, endLine: endOf(i), oneLiners: [] };
    }
  });
  if (doc.archive) doc.archive.oneLiners = parseArchive(lines, doc.archive.headingLine + 1, doc.archive.endLine, doc.sections);
  return doc;
}

function parseSection(lines: Line[], headings: Heading[], id: string, title: string, headingLine: number, endLine: number, afterArchive: boolean): ItemSection {
  const sub = headings.filter((h) => h.line > headingLine && h.line < endLine);
  const fieldStarts: { line: number; label: string; valueFrom: number }[] = [];
  const subHeadingLines = new Set(sub.map((h) => h.line));
  let inFence = false;
  for (let i = headingLine + 1; i < endLine; i++) {
    const t = lines[i]!.text;
    if (FENCE.test(t)) { inFence = !inFence; continue; }
    if (inFence) continue;
    const m = FIELD.exec(t);
    if (m && !/^attempt\b/i.test(m[1]!)) fieldStarts.push({ line: i, label: m[1]!.trim(), valueFrom: m[0].length });
  }
  // A field's block runs to the next field or the next heading inside the section.
  const fields: Field[] = fieldStarts.map((f, k) => {
    let blockEnd = k + 1 < fieldStarts.length ? fieldStarts[k + 1]!.line : endLine;
    for (const h of sub) if (h.line > f.line && h.line < blockEnd) { blockEnd = h.line; break; }
    return { ...f, blockEnd };
  });
  const statusFields = fields.filter((f) => /^status$/i.test(f.label));
  const history = fields.find((f) => /^attempts?\b.*histor/i.test(f.label) || /^attempts$/i.test(f.label));
  const nextActions = fields.find((f) => /^next[ \t]+actions?\b/i.test(f.label));
  const historyEntries = history ? parseEntries(lines, history.line + 1, history.blockEnd) : [];

  const headingAttempts: AttemptEntry[] = [];
  sub.forEach((h, k) => {
    if (h.level !== 3) return;
    const m = ATTEMPT_HEADING.exec(h.text);
    if (!m) return;
    let end = endLine;
    for (const later of sub.slice(k + 1)) if (later.level <= 3) { end = later.line; break; }
    headingAttempts.push({ line: h.line, lastLine: lastNonBlank(lines, h.line, end), number: Number(m[1]), indent: 0, style: 'heading' });
  });

  const nextActionAttempts: number[] = [];
  if (nextActions) {
    for (let i = nextActions.line + 1; i < nextActions.blockEnd; i++) {
      const t = lines[i]!.text;
      if (!BULLET.test(t) || subHeadingLines.has(i)) continue;
      const m = NEXT_ACTION_ATTEMPT.exec(t);
      // Only a prefix ("N. ✅ COMPLETE (Attempt #N, …)"), not a cross-reference deep in the sentence.
      if (m && m.index < 80) nextActionAttempts.push(Number(m[1]));
    }
  }
  return { id, title, headingLine, endLine, fields, statusFields, history, nextActions, historyEntries, headingAttempts, nextActionAttempts, afterArchive };
}

/** Splits a block into top-level bullet entries; blank lines and deeper (or lazily continued) lines belong to the entry above. */
export function parseEntries(lines: Line[], from: number, to: number): AttemptEntry[] {
  let minIndent = Infinity;
  for (let i = from; i < to; i++) {
    const m = BULLET.exec(lines[i]!.text);
    if (m) minIndent = Math.min(minIndent, indentOf(m[1]!));
  }
  if (minIndent === Infinity) return [];
  const entries: AttemptEntry[] = [];
  let cur: AttemptEntry | undefined;
  let prevBlank = false;
  for (let i = from; i < to; i++) {
    const t = lines[i]!.text;
    if (isBlank(t)) { prevBlank = true; continue; }
    const ind = indentOf(t);
    const b = BULLET.exec(t);
    if (b && ind <= minIndent) {
      const n = ATTEMPT_BULLET.exec(t);
      cur = { line: i, lastLine: i, indent: ind, marker: b[2], style: 'bullet', number: n ? Number(n[1]) : undefined };
      entries.push(cur);
    } else if (cur && (ind > cur.indent || !prevBlank)) {
      cur.lastLine = i; // deeper line, or a lazy continuation right under the entry
    } else {
      cur = undefined; // stray text at the block's own level ends the last entry
    }
    prevBlank = false;
  }
  return entries;
}

function lastNonBlank(lines: Line[], from: number, to: number): number {
  let last = from;
  for (let i = from; i < to; i++) if (!isBlank(lines[i]!.text)) last = i;
  return last;
}

/** Cell spans of a Markdown table row, splitting on unescaped pipes. A row may lack the closing pipe. */
export function tableCells(text: string): { from: number; to: number }[] {
  const pipes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] === '|') pipes.push(i);
  }
  const first = text.search(/\S/);
  if (first < 0 || text[first] !== '|') return [];
  const cells: { from: number; to: number }[] = [];
  for (let k = 0; k < pipes.length; k++) {
    const from = pipes[k]! + 1;
    const to = k + 1 < pipes.length ? pipes[k + 1]! : text.length;
    if (k + 1 === pipes.length && text.slice(from).trim() === '') break; // closing pipe
    cells.push({ from, to });
  }
  return cells;
}

export function trimSpan(text: string, span: { from: number; to: number }): { from: number; to: number; value: string } {
  let { from, to } = span;
  while (from < to && /[\s\u00a0\u202f]/.test(text[from]!)) from++;
  while (to > from && /[\s\u00a0\u202f]/.test(text[to - 1]!)) to--;
  return { from, to, value: text.slice(from, to) };
}

function parseIndexRows(lines: Line[], from: number, to: number): IndexRow[] {
  const rows: IndexRow[] = [];
  let statusFromEnd: number | undefined;
  let headerSeen = false;
  for (let i = from; i < to; i++) {
    const t = lines[i]!.text;
    const cells = tableCells(t);
    if (cells.length === 0) continue;
    const values = cells.map((c) => t.slice(c.from, c.to).trim());
    if (values.every((v) => /^:?-{2,}:?$/.test(v))) continue;
    if (!headerSeen && !/\[[^\]]+\]/.test(values[0] ?? '')) {
      headerSeen = true;
      const k = values.findIndex((v) => /^status$/i.test(v));
      // Counted from the end: titles may contain a bare `|`, the status is the last column.
      statusFromEnd = k >= 0 ? values.length - 1 - k : 0;
      continue;
    }
    const idm = /\[([^\]]+)\](?:\(#([^)]*)\))?/.exec(values[0] ?? '');
    if (!idm) continue;
    const sIdx = cells.length - 1 - (statusFromEnd ?? 0);
    const status = sIdx >= 1 ? trimSpan(t, cells[sIdx]!) : undefined;
    rows.push({ line: i, id: idm[1]!, anchor: idm[2], title: values[1] ?? '', status });
  }
  return rows;
}

function parseArchive(lines: Line[], from: number, to: number, sections: ItemSection[]): ArchivedOneLiner[] {
  const out: ArchivedOneLiner[] = [];
  const live = new Set(sections.map((s) => s.id));
  for (let i = from; i < to; i++) {
    const t = lines[i]!.text;
    if (!BULLET.test(t) && !t.trimStart().startsWith('|')) continue;
    const refs = [...t.matchAll(ID_REF)];
    const first = refs[0];
    // The one-liner names its item up front ("- ✅ [ID] title — closed …"); later ids are references.
    if (!first || first.index! > 24 || /[A-Za-z0-9]/.test(t.slice(0, first.index))) continue;
    const id = first[1]!;
    const after = t.slice(first.index! + first[0].length);
    const named = /(?:successor|superseded|replaced|continued|moved|see|→|->)[^[]{0,40}\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]/i.exec(after);
    let successor = named?.[1] ?? refs.slice(1).map((r) => r[1]!).find((r) => r !== id && live.has(r));
    if (!successor) successor = guessSuccessor(id, [...live]);
    out.push({ line: i, id, text: t.trim(), successor });
  }
  return out;
}

/** SOURCE-WEIGHT-001 → the live SOURCE-WEIGHT-00N with the smallest higher number, when the text names none. */
export function guessSuccessor(id: string, liveIds: string[]): string | undefined {
  const m = /^(.*?)(\d+)$/.exec(id);
  if (!m) return undefined;
  const candidates = liveIds
    .map((x) => ({ x, m: /^(.*?)(\d+)$/.exec(x) }))
    .filter((c) => c.m && c.m[1] === m[1] && Number(c.m[2]) > Number(m[2]))
    .sort((a, b) => Number(a.m![2]) - Number(b.m![2]));
  return candidates[0]?.x;
}

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}
