// X-ray sources: C's source-file reader (quirks included), a clean reader (the PyTorch port's reading),
// and C's divergence × dispersion grid.
import { rotateAxis, type V3 } from './vec3.ts';

export interface SourceRecord { x: number; y: number; z: number; weight: number; lambda: number }

const DELIMS = ' \t,;:!';
const NUMBERSTUFF = '0123456789-+.EGeg';

/** C atof: longest numeric prefix after leading whitespace, 0 when there is none. */
export function atof(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan))/i.exec(s);
  if (!m) return 0;
  const t = m[1]!.toLowerCase();
  if (t.includes('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  if (t.includes('nan')) return NaN;
  return parseFloat(t);
}

const span = (s: string, at: number, set: string): number => { let i = at; while (i < s.length && set.includes(s[i]!)) i++; return i; };
const cspan = (s: string, at: number, set: string): number => { let i = at; while (i < s.length && !set.includes(s[i]!)) i++; return i; };

/** Lines the way C's fgets yields them: each keeps its '\n' (the last one may lack it). */
function fgetsLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') { out.push(text.slice(start, i + 1)); start = i + 1; }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * C's read_text_file(…, 5 columns): every line that is not blank after stripping " \t,;:!" becomes a record,
 * comment lines included ("ghost" sources); fields missing at the end of a line stay NaN; '\r' is not a delimiter.
 */
export function readSourceFileC(text: string, nargs = 5): number[][] {
  const records: number[][] = [];
  for (const line of fgetsLines(text)) {
    let t = span(line, 0, DELIMS);
    if (line.slice(t) === '\n') continue;
    const rec = new Array<number>(nargs).fill(NaN);
    let i = 0;
    do {
      rec[i] = atof(line.slice(t));
      t = span(line, t, NUMBERSTUFF);
      if (line.slice(t) === '\n') continue;
      t = cspan(line, t, DELIMS);
      t = span(line, t, DELIMS);
      if (line.slice(t) === '\n') continue;
      ++i;
      if (i >= nargs) break;
    } while (line.slice(t) !== '\n');
    records.push(rec);
  }
  return records;
}

/** The PyTorch port's reading: '#' comments and blank lines skipped, missing X/Y/Z = 0. */
export function readSourceFileClean(text: string): number[][] {
  const records: number[][] = [];
  for (const raw of text.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const vals = line.split(/[\s,]+/).map(Number);
    const rec = [0, 0, 0, NaN, NaN];
    for (let k = 0; k < Math.min(5, vals.length); k++) rec[k] = vals[k]!;
    records.push(rec);
  }
  return records;
}

/** C's defaults for missing (NaN) fields: position −10·beam, weight 1, λ = λ0. */
export function applySourceDefaults(recs: number[][], beam: V3, lambda0: number, sourceDistance = 10.0): SourceRecord[] {
  return recs.map((r) => ({
    x: Number.isNaN(r[0]) ? -sourceDistance * beam[0] : r[0]!,
    y: Number.isNaN(r[1]) ? -sourceDistance * beam[1] : r[1]!,
    z: Number.isNaN(r[2]) ? -sourceDistance * beam[2] : r[2]!,
    weight: Number.isNaN(r[3]) ? 1.0 : r[3]!,
    lambda: Number.isNaN(r[4]) ? lambda0 : r[4]!,
  }));
}

export interface DivergenceGrid {
  hdivrange: number; hdivstep: number; hdivsteps: number;
  vdivrange: number; vdivstep: number; vdivsteps: number;
  dispersion: number; dispstep: number; dispsteps: number;
  roundDiv: boolean;
}

/** C: is the (hdiv, vdiv) grid point kept by the elliptical trim? (zero ranges give NaN, so never trimmed) */
function keep(g: DivergenceGrid, hdiv: number, vdiv: number): boolean {
  let t = (hdiv * hdiv - g.hdivstep * g.hdivstep / 4.0 * (1 - (g.hdivsteps % 2))) / g.hdivrange / g.hdivrange;
  t += (vdiv * vdiv - g.vdivstep * g.vdivstep / 4.0 * (1 - (g.vdivsteps % 2))) / g.vdivrange / g.vdivrange;
  return !(g.roundDiv && t * 4.0 > 1.1);
}

/** C's generated sources: h outer, v inner, dispersion innermost; returns the records and the kept divergence count. */
export function generateSources(g: DivergenceGrid, beam: V3, polar: V3, vert: V3, lambda0: number, sourceDistance = 10.0): { sources: SourceRecord[]; divsteps: number } {
  const sources: SourceRecord[] = [];
  let divsteps = 0;
  for (let ht = 0; ht < g.hdivsteps; ++ht) {
    for (let vt = 0; vt < g.vdivsteps; ++vt) {
      const hdiv = g.hdivstep * ht - g.hdivrange / 2.0;
      const vdiv = g.vdivstep * vt - g.vdivrange / 2.0;
      if (keep(g, hdiv, vdiv)) divsteps++;
    }
  }
  const weight = 1.0 / (divsteps * g.dispsteps);
  for (let ht = 0; ht < g.hdivsteps; ++ht) {
    for (let vt = 0; vt < g.vdivsteps; ++vt) {
      const hdiv = g.hdivstep * ht - g.hdivrange / 2.0;
      const vdiv = g.vdivstep * vt - g.vdivrange / 2.0;
      if (!keep(g, hdiv, vdiv)) continue;
      let v: V3 = [-sourceDistance * beam[0], -sourceDistance * beam[1], -sourceDistance * beam[2]];
      v = rotateAxis(v, polar, vdiv);
      v = rotateAxis(v, vert, hdiv);
      for (let dt = 0; dt < g.dispsteps; ++dt) {
        const lambda = lambda0 * (1.0 + g.dispstep * dt - g.dispersion / 2.0);
        sources.push({ x: v[0], y: v[1], z: v[2], weight, lambda });
      }
    }
  }
  return { sources, divsteps };
}
