// Line model over the ORIGINAL string: every line keeps its exact terminator, so edits expressed as offsets
// into the original text never disturb CRLF, a missing final newline, or any other byte we did not mean to touch.

export type Eol = '' | '\n' | '\r\n';

export interface Line {
  /** 0-based line number. */
  index: number;
  /** Offset of the first character. */
  start: number;
  /** Offset just past the content (before the terminator). */
  end: number;
  /** Offset just past the terminator (== end for a last line without a final newline). */
  next: number;
  text: string;
  eol: Eol;
}

/** Splits on LF and CRLF only; a lone CR stays content (never seen in these files, but it must survive). */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const lf = text.indexOf('\n', start);
    if (lf < 0) {
      lines.push({ index: lines.length, start, end: text.length, next: text.length, text: text.slice(start), eol: '' });
      break;
    }
    const crlf = lf > start && text.charCodeAt(lf - 1) === 13;
    const end = crlf ? lf - 1 : lf;
    lines.push({ index: lines.length, start, end, next: lf + 1, text: text.slice(start, end), eol: crlf ? '\r\n' : '\n' });
    start = lf + 1;
  }
  return lines;
}

/** The terminator new lines should use: whatever most existing lines use (CRLF files stay CRLF). */
export function dominantEol(lines: Line[]): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.eol === '\r\n') crlf++;
    else if (l.eol === '\n') lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Number of lines as an editor (and `wc -l` + 1 for a missing final newline) counts them. */
export function countLines(text: string): number {
  return splitLines(text).length;
}

export function indentOf(s: string): number {
  let i = 0;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  // A tab counts as 4 columns of indentation, as Markdown renderers treat it.
  return [...s.slice(0, i)].reduce((n, ch) => n + (ch === '\t' ? 4 : 1), 0);
}

export function isBlank(s: string): boolean {
  // U+00A0 / U+202F-only lines render blank too.
  return /^[\s\u00a0\u202f]*$/.test(s);
}
