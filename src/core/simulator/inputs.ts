// Input files as C reads them: the A matrix and HKL text with fscanf's rules, any file relative to the cwd.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { EmbeddedFlagError } from './flags.ts';

export function readInput(flag: string, file: string, cwd: string): string {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EmbeddedFlagError(`${flag} ${file}: cannot read ${path} (${code ?? String(err)})`);
  }
}

export interface HklGrid { hMin: number; hMax: number; kMin: number; kMax: number; lMin: number; lMax: number; kStride: number; hStride: number; data: Float64Array; count: number }

/** fscanf-like scanner: numbers in order until the first token that does not start like one. */
export function scanNumbers(text: string, pattern: RegExp, max = Infinity): number[] {
  const out: number[] = [];
  const re = new RegExp(`\\s*(${pattern.source})`, 'y');
  while (out.length < max) {
    const m = re.exec(text);
    if (!m) break;
    out.push(parseFloat(m[1]!));
  }
  return out;
}
export const FLOAT_RE = /[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i;
export const INT_RE = /[+-]?\d+/;

export function readHkl(text: string, defaultF: number, flag: string): HklGrid {
  const all = scanNumbers(text, FLOAT_RE);
  const n = Math.floor(all.length / 4);
  if (n === 0) throw new EmbeddedFlagError(`${flag}: no "h k l F" lines could be read`);
  let hMin = 1e9, kMin = 1e9, lMin = 1e9, hMax = -1e9, kMax = -1e9, lMax = -1e9;
  for (let i = 0; i < n; i++) {
    // C stores the double into an int on assignment (truncation).
    const h = all[4 * i]!, k = all[4 * i + 1]!, l = all[4 * i + 2]!;
    if (hMin > h) hMin = Math.trunc(h); if (kMin > k) kMin = Math.trunc(k); if (lMin > l) lMin = Math.trunc(l);
    if (hMax < h) hMax = Math.trunc(h); if (kMax < k) kMax = Math.trunc(k); if (lMax < l) lMax = Math.trunc(l);
  }
  const hr = hMax - hMin + 1, kr = kMax - kMin + 1, lr = lMax - lMin + 1;
  const lStride = 1, kStride = lr + 1, hStride = (kr + 1) * (lr + 1);
  const data = new Float64Array((hr + 1) * (kr + 1) * (lr + 1));
  if (defaultF !== 0.0) {
    for (let h = 0; h < hr; h++) for (let k = 0; k < kr; k++) for (let l = 0; l < lr; l++) data[h * hStride + k * kStride + l * lStride] = defaultF;
  }
  // Second pass, C's "%d%d%d%lg": integer indices, stops at the first mismatch.
  const re = new RegExp(`\\s*(${INT_RE.source})\\s*(${INT_RE.source})\\s*(${INT_RE.source})\\s*(${FLOAT_RE.source})`, 'iy');
  for (;;) {
    const m = re.exec(text);
    if (!m) break;
    const h = parseInt(m[1]!, 10) - hMin, k = parseInt(m[2]!, 10) - kMin, l = parseInt(m[3]!, 10) - lMin;
    if (h < 0 || k < 0 || l < 0 || h > hr || k > kr || l > lr) continue;
    data[h * hStride + k * kStride + l] = parseFloat(m[4]!);
  }
  return { hMin, hMax, kMin, kMax, lMin, lMax, kStride, hStride, data, count: hr * kr * lr };
}
