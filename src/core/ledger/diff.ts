// Unified diff (the `diff -u` format) between two texts, line by line with terminators compared too, so a
// CRLF/LF change or a lost final newline would show. Myers' O(ND) algorithm: our edits are small, D stays tiny.
import { splitLines } from './lines.ts';

type Op = { kind: ' ' | '-' | '+'; text: string; eol: string };

function myers(a: string[], b: string[]): ('=' | '-' | '+')[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  const off = max + 1;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  // Walk back through the saved V arrays.
  const ops: ('=' | '-' | '+')[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1]! < vd[off + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { ops.push('='); x--; y--; }
    if (d > 0) { if (x === prevX) { ops.push('+'); y--; } else { ops.push('-'); x--; } }
  }
  return ops.reverse();
}

export function unifiedDiff(oldText: string, newText: string, oldName: string, newName = oldName, context = 3): string {
  const A = splitLines(oldText);
  const B = splitLines(newText);
  const key = (l: { text: string; eol: string }) => l.text + '\u0000' + l.eol;
  const script = myers(A.map(key), B.map(key));
  const ops: (Op & { a: number; b: number })[] = [];
  let i = 0;
  let j = 0;
  for (const s of script) {
    if (s === '=') { ops.push({ kind: ' ', text: A[i]!.text, eol: A[i]!.eol, a: i, b: j }); i++; j++; }
    else if (s === '-') { ops.push({ kind: '-', text: A[i]!.text, eol: A[i]!.eol, a: i, b: j }); i++; }
    else { ops.push({ kind: '+', text: B[j]!.text, eol: B[j]!.eol, a: i, b: j }); j++; }
  }
  const changed = ops.map((o, k) => (o.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const out = [`--- a/${oldName}`, `+++ b/${newName}`];
  let h = 0;
  while (h < changed.length) {
    const from = Math.max(0, changed[h]! - context);
    let to = Math.min(ops.length, changed[h]! + context + 1);
    while (h + 1 < changed.length && changed[h + 1]! - context <= to) { h++; to = Math.min(ops.length, changed[h]! + context + 1); }
    h++;
    const hunk = ops.slice(from, to);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    const aStart = hunk[0]!.a + (aLen ? 1 : 0);
    const bStart = hunk[0]!.b + (bLen ? 1 : 0);
    out.push(`@@ -${aStart}${aLen === 1 ? '' : `,${aLen}`} +${bStart}${bLen === 1 ? '' : `,${bLen}`} @@`);
    for (const o of hunk) {
      out.push(o.kind + o.text + (o.eol === '\r\n' ? '\r' : ''));
      if (o.eol === '') out.push('\\ No newline at end of file');
    }
  }
  return out.join('\n') + '\n';
}
