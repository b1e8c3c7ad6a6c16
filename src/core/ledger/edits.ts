// Text edits as spans on the original string. The VS Code side turns them into a WorkspaceEdit, the CLI applies
// them to the file text; both get the same bytes.
import type { Eol, Line } from './lines.ts';

export interface TextEdit {
  /** Offset in the original text. */
  start: number;
  /** Exclusive end offset in the original text (== start for a pure insertion). */
  end: number;
  newText: string;
}

export class LedgerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
  }
}

/** Applies non-overlapping edits (any order) and returns the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length) {
      throw new LedgerError('overlap', `internal: overlapping or out-of-range edit at ${e.start}..${e.end}`);
    }
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * An edit inserting whole lines after `after` (or at the top when undefined), in the file's own line ending.
 * After a last line without a final newline the new lines go after a fresh terminator and the file still ends
 * without one, so deleting the inserted lines restores the original bytes.
 */
export function insertLinesAfter(after: Line | undefined, newLines: string[], eol: '\n' | '\r\n'): TextEdit {
  if (!after) return { start: 0, end: 0, newText: newLines.map((l) => l + eol).join('') };
  if (after.eol === '') return { start: after.next, end: after.next, newText: newLines.map((l) => eol + l).join('') };
  return { start: after.next, end: after.next, newText: newLines.map((l) => l + eol).join('') };
}

/** Replaces [start, end) inside one line; the terminator is never part of it. */
export function replaceInLine(line: Line, from: number, to: number, newText: string): TextEdit {
  if (from < 0 || to > line.text.length || from > to) throw new LedgerError('range', `internal: bad span on line ${line.index + 1}`);
  return { start: line.start + from, end: line.start + to, newText };
}

export function eolName(eol: Eol): string {
  return eol === '\r\n' ? 'CRLF' : eol === '\n' ? 'LF' : 'none';
}
