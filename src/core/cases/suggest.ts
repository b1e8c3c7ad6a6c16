// "did you mean" for misspelt keys (treshold → thresholds): the closest known word within a small edit distance.

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** ` (did you mean "thresholds"?)` or '' when nothing known is close. */
export function didYouMean(word: string, known: readonly string[]): string {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(w, k.toLowerCase());
    if (d < bestD) { bestD = d; best = k; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/** Control characters (newline, tab, NUL, DEL, C1) would break ledger headings, tables and commands.txt comments. */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function describeControl(s: string): string {
  const m = CONTROL_CHARS.exec(s);
  if (!m) return '';
  const c = m[0].charCodeAt(0);
  const name = c === 10 ? 'a newline' : c === 13 ? 'a carriage return' : c === 9 ? 'a tab' : `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `${name} at position ${m.index + 1}`;
}
