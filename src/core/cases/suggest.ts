// "did you mean" for misspelt keys (treshold → thresholds): the closest known word within a small edit distance.

/** Edit distance counting a swap of two neighbours as one edit (rio → roi), as people mistype. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
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
