// Plans one "record an attempt" edit on fix_plan.md: item → number → insertion point → entry (+ optional Status
// and Index cell edits) → line-cap check. Pure: text in, edits and new text out.
import { composeEntry, type AttemptInput, type EntryStyle } from './compose.ts';
import { applyEdits, insertLinesAfter, LedgerError, replaceInLine, type TextEdit } from './edits.ts';
import { firstWord, resolveItem, type ResolvedItem } from './items.ts';
import { countLines, dominantEol, isBlank, type Line } from './lines.ts';
import { parseLedger, type ItemSection, type LedgerDoc } from './parse.ts';

export const DEFAULT_MAX_LINES = 999;
export const STATUS_WORDS = ['in_progress', 'done', 'in_planning', 'blocked'] as const;

export interface RecordRequest {
  itemId: string;
  input: AttemptInput;
  /** New value for the section's first `- Status:` line and the Index row's status cell. */
  status?: string;
  maxLines?: number;
  ledgerName?: string;
}

export interface RecordPlan {
  itemId: string;
  attemptNumber: number;
  edits: TextEdit[];
  newText: string;
  /** 0-based line (in the NEW text) of the first inserted line, and how many lines were inserted. */
  insertedAt: number;
  insertedCount: number;
  /** 0-based line in the ORIGINAL text after which the entry goes (-1: top of file). */
  afterLine: number;
  where: string;
  entryLines: string[];
  warnings: string[];
  linesBefore: number;
  linesAfter: number;
}

export function validateStatus(value: string): string {
  const v = value.trim();
  if (!v || /[\r\n|]/.test(v)) throw new LedgerError('status', `--status "${value}": must be one line without "|" (e.g. "done" or "in_progress (Phase E evidence captured)").`);
  const w = firstWord(v);
  if (!(STATUS_WORDS as readonly string[]).includes(w)) {
    throw new LedgerError('status', `--status "${value}": the status must start with one of ${STATUS_WORDS.join(', ')} (optionally followed by a parenthetical).`);
  }
  return v;
}

interface Placement { after: Line | undefined; style: EntryStyle; where: string; prefix?: string[] }

/** Where the entry goes and in which style, following the section's own shape. */
function placeEntry(doc: LedgerDoc, s: ItemSection): Placement {
  const L = doc.lines;
  const attempts = s.historyEntries.filter((e) => e.number !== undefined);
  if (s.history && attempts.length) {
    const last = attempts[attempts.length - 1]!;
    const marker = /^\d+[.)]$/.test(last.marker ?? '') ? `${Number.parseInt(last.marker!, 10) + 1}${last.marker!.slice(-1)}` : last.marker ?? '*';
    const indent = L[last.line]!.text.slice(0, L[last.line]!.text.search(/\S/));
    return { after: L[last.lastLine], style: { kind: 'bullet', indent, marker }, where: `after Attempt #${last.number} (line ${last.lastLine + 1}) in Attempts History` };
  }
  if (s.headingAttempts.length && !(s.history && s.historyEntries.length)) {
    const last = s.headingAttempts[s.headingAttempts.length - 1]!;
    return { after: L[last.lastLine], style: { kind: 'heading', indent: '', marker: '' }, where: `after the "### Attempt #${last.number}" block (line ${last.lastLine + 1})` };
  }
  if (s.history) {
    // "none yet" / notes only: after the block's last non-blank line.
    let at = s.history.line;
    for (let i = s.history.line + 1; i < s.history.blockEnd; i++) if (!isBlank(L[i]!.text)) at = i;
    const other = s.historyEntries[0];
    const indent = other ? L[other.line]!.text.slice(0, L[other.line]!.text.search(/\S/)) : '  ';
    return { after: L[at], style: { kind: 'bullet', indent, marker: other?.marker && !/^\d/.test(other.marker) ? other.marker : '*' }, where: `first attempt, under "- Attempts History:" (line ${s.history.line + 1})` };
  }
  // No history at all: add the field, before Next Actions when there is one, else after the last field block.
  const anchor = s.nextActions ? s.nextActions.line - 1 : lastFieldLine(doc, s);
  let at = anchor;
  while (at > s.headingLine && isBlank(L[at]!.text)) at--;
  return { after: L[at], style: { kind: 'bullet', indent: '  ', marker: '*' }, prefix: ['- Attempts History:'], where: `new "- Attempts History:" field after line ${at + 1}` };
}

function lastFieldLine(doc: LedgerDoc, s: ItemSection): number {
  const f = s.fields[s.fields.length - 1];
  let end = f ? f.blockEnd : s.endLine;
  if (!f) {
    const firstSub = doc.headings.find((h) => h.line > s.headingLine && h.line < s.endLine);
    if (firstSub) end = firstSub.line;
  }
  return end - 1;
}

export function planRecord(text: string, req: RecordRequest): RecordPlan {
  const doc = parseLedger(text);
  const ledgerName = req.ledgerName ?? 'fix_plan.md';
  const item: ResolvedItem = resolveItem(doc, req.itemId, ledgerName);
  const eol = dominantEol(doc.lines);
  const place = placeEntry(doc, item.section);
  const n = item.nextNumber;
  const entryLines = [...(place.prefix ?? []), ...composeEntry(req.input, n, place.style)];
  const edits: TextEdit[] = [insertLinesAfter(place.after, entryLines, eol)];
  const warnings = [...item.warnings];

  if (req.status !== undefined) {
    const value = validateStatus(req.status);
    const sf = item.section.statusFields[0];
    if (!sf) warnings.push(`[${item.section.id}] has no "- Status:" line; only the Index cell was set.`);
    else {
      const line = doc.lines[sf.line]!;
      let to = line.text.length;
      while (to > sf.valueFrom && /[ \t]/.test(line.text[to - 1]!)) to--; // keep trailing spaces (hard breaks)
      edits.push(replaceInLine(line, sf.valueFrom, to, value));
    }
    if (!item.indexRow?.status) warnings.push(`[${item.section.id}] has no Index status cell to set.`);
    else edits.push(replaceInLine(doc.lines[item.indexRow.line]!, item.indexRow.status.from, item.indexRow.status.to, value));
  }

  const newText = applyEdits(text, edits);
  const linesBefore = countLines(text);
  const linesAfter = countLines(newText);
  const max = req.maxLines ?? DEFAULT_MAX_LINES;
  if (linesAfter > max) {
    throw new LedgerError('line-cap', `${ledgerName} has ${linesBefore} lines; Attempt #${n} would make it ${linesAfter}, over the ${max}-line cap (the repo's rule). Archive or condense old attempts first, or raise the cap with --max-lines.`);
  }
  const afterLine = place.after ? place.after.index : -1;
  return {
    itemId: item.section.id, attemptNumber: n, edits, newText, insertedAt: afterLine + 1, insertedCount: entryLines.length, afterLine,
    where: place.where, entryLines, warnings, linesBefore, linesAfter,
  };
}
