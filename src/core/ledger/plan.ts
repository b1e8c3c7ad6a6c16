// Flips chosen rows of a plan's `### Phase X` table to [D]. Only the State cell changes, plus the
// `✅ Attempt #N (STAMP) — ` prefix on the guidance cell. Rows are never split and re-joined: guidance cells
// contain bare `|` and some rows lack the closing pipe, so cells are located, not rebuilt.
import { applyEdits, LedgerError, replaceInLine, type TextEdit } from './edits.ts';
import { splitLines } from './lines.ts';
import { tableCells, trimSpan } from './parse.ts';

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const STATE = /^\[(?: |[A-Za-z]|-|SKIP)\]$/i;
const DONE = new Set(['[D]', '[X]', '[x]']);

export interface FlipRequest {
  phase: string;
  rows: string[];
  attemptNumber: number;
  stamp: string;
  planName?: string;
  /**
   * When set, a row flips only if its text names one of these cases (the bundle's passing cases): a passing bundle
   * of some other case must not close it. Unset when the user chose the case explicitly (--case).
   */
  caseIds?: string[];
}

/** Does the row's text name the case? Case-insensitive, `-` and `_` alike (TC-D1 / tc_d1), whole words only. */
export function rowNamesCase(rowText: string, caseId: string): boolean {
  const norm = (t: string) => t.toLowerCase().replace(/_/g, '-');
  const id = norm(caseId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9-])${id}($|[^a-z0-9-])`).test(norm(rowText));
}

export interface RowOutcome {
  id: string;
  line: number;
  before: string;
  action: 'flipped' | 'left-alone';
  reason?: string;
}

export interface FlipPlan {
  edits: TextEdit[];
  newText: string;
  rows: RowOutcome[];
  phaseHeading: string;
}

export function flipPlanRows(text: string, req: FlipRequest): FlipPlan {
  const name = req.planName ?? 'the plan';
  const phase = req.phase.trim().replace(/^phase[ \t]+/i, '');
  if (!/^[A-Za-z0-9]+$/.test(phase)) throw new LedgerError('phase', `--phase "${req.phase}": expected a phase letter such as E.`);
  if (req.rows.length === 0) throw new LedgerError('rows', '--rows: name at least one row id (e.g. E1,E2).');
  const lines = splitLines(text);
  const headings: { line: number; level: number; text: string }[] = [];
  let fence = false;
  for (const l of lines) {
    if (/^ {0,3}(```|~~~)/.test(l.text)) { fence = !fence; continue; }
    const m = !fence && HEADING.exec(l.text);
    if (m) headings.push({ line: l.index, level: m[1]!.length, text: m[2]! });
  }
  const phaseRe = new RegExp(`^Phase[ \\t]+${phase}(?![A-Za-z0-9])`, 'i');
  const hIdx = headings.findIndex((h) => h.level === 3 && phaseRe.test(h.text));
  if (hIdx < 0) {
    const found = headings.filter((h) => h.level === 3 && /^Phase[ \t]+\S/i.test(h.text)).map((h) => /^Phase[ \t]+([A-Za-z0-9]+)/i.exec(h.text)?.[1]).filter(Boolean);
    throw new LedgerError('no-phase', `${name} has no "### Phase ${phase}" section (phases found: ${found.length ? found.join(', ') : 'none'}); nothing was flipped. Add the phase to the plan by hand first.`);
  }
  const h = headings[hIdx]!;
  const end = headings.slice(hIdx + 1).find((x) => x.level <= 3)?.line ?? lines.length;

  let stateCol: number | undefined;
  let guidanceCol: number | undefined;
  const want = new Map(req.rows.map((r) => [r.trim(), r.trim()]));
  const edits: TextEdit[] = [];
  const outcomes: RowOutcome[] = [];
  for (let i = h.line + 1; i < end; i++) {
    const line = lines[i]!;
    const cells = tableCells(line.text);
    if (cells.length < 2) continue;
    const values = cells.map((c) => line.text.slice(c.from, c.to).trim());
    if (values.every((v) => /^:?-{2,}:?$/.test(v))) continue;
    if (/^id$/i.test(values[0]!)) {
      stateCol = values.findIndex((v) => /^state$/i.test(v));
      guidanceCol = values.findIndex((v) => /guidance|how\s*\/\s*why/i.test(v));
      continue;
    }
    const id = values[0]!.replace(/^\*\*(.*)\*\*$/, '$1');
    if (!want.has(id) || outcomes.some((o) => o.id === id)) continue;
    // The header says which column is State; if a bare `|` in the description shifted it, take the first
    // state-looking cell after the id instead.
    const k = stateCol !== undefined && stateCol > 0 && STATE.test(values[stateCol] ?? '') ? stateCol : values.findIndex((v, j) => j > 0 && STATE.test(v));
    if (k < 0) { outcomes.push({ id, line: i, before: '', action: 'left-alone', reason: 'no State cell like [ ] / [P] found' }); continue; }
    const state = trimSpan(line.text, cells[k]!);
    if (DONE.has(state.value)) { outcomes.push({ id, line: i, before: state.value, action: 'left-alone', reason: `already ${state.value}` }); continue; }
    if (req.caseIds && !req.caseIds.some((c) => rowNamesCase(line.text, c))) {
      outcomes.push({ id, line: i, before: state.value, action: 'left-alone', reason: `the row names none of the bundle's passing cases (${req.caseIds.join(', ') || 'none'}); choose one with --case ID to flip it anyway` });
      continue;
    }
    edits.push(replaceInLine(line, state.from, state.to, '[D]'));
    const prefix = `✅ Attempt #${req.attemptNumber} (${req.stamp})`;
    // Guidance: the header's guidance column relative to State (it is usually the last and may hold bare pipes).
    const gOffset = stateCol !== undefined && stateCol >= 0 && guidanceCol !== undefined && guidanceCol > stateCol ? guidanceCol - stateCol : 1;
    const g = cells[k + gOffset];
    if (g) {
      const gv = trimSpan(line.text, g);
      if (gv.value === '') edits.push(replaceInLine(line, g.from, g.to, ` ${prefix} `));
      else edits.push(replaceInLine(line, gv.from, gv.from, `${prefix} — `));
    } else {
      // No guidance cell: add one after the State cell's closing pipe (or after the unclosed state cell).
      const closed = line.text.slice(cells[k]!.to).trimEnd() === '|';
      const at = line.text.trimEnd().length;
      edits.push(replaceInLine(line, at, at, closed ? ` ${prefix} |` : ` | ${prefix}`));
    }
    outcomes.push({ id, line: i, before: state.value, action: 'flipped' });
  }
  const missing = [...want.keys()].filter((id) => !outcomes.some((o) => o.id === id));
  if (missing.length) {
    throw new LedgerError('no-row', `${name}: "### Phase ${phase}" (line ${h.line + 1}) has no row ${missing.join(', ')}; nothing was flipped. Check --rows.`);
  }
  return { edits, newText: applyEdits(text, edits), rows: outcomes, phaseHeading: h.text };
}
