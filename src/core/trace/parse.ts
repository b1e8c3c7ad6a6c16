// Read a C or PyTorch `-trace_pixel` stdout into named entries. Tolerant by design: the trace lines sit in
// ordinary stdout (banners, progress "44% done", untagged `TRACE:` lines) and may carry CRLF, odd spacing,
// `-nan`/`inf` spellings or no value at all; nothing here throws on content, odd lines become warnings.
import type { ParsedTrace, TraceEntry, TraceFormat, TraceGroup, TraceValue } from './types.ts';

const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan(?:\(\w*\))?|inf(?:inity)?)$/i;
const INTEGER = /^[+-]?\d+$/;
// A trace tag may follow progress output on the same line ("44% doneTRACE_C: …"), so search, don't anchor.
const TAG = /TRACE_(?:PY_SOURCE|PY_PHI|PY|C_SOURCE2|C_PHI|C|CONFIG)\b/;

/** `nan`, `-nan`, `NaN`, `inf`, `-Infinity`, `1e-5` → number; anything else → undefined. */
export function parseNumber(token: string): number | undefined {
  const t = token.trim();
  if (!NUMBER.test(t)) return undefined;
  const lower = t.toLowerCase();
  if (lower.includes('nan')) return Number.NaN;
  if (lower.includes('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/**
 * One printed value: `0 0 1`, `[1 0 0; 0 1 -0; 0 0 1]`, `rotx:0 roty:0`, `X:2.2e-05 Y:2.2e-05 pixel_mm:0.172`,
 * `MOSFLM`; empty text gives an empty value (the line named a quantity and printed nothing).
 */
export function parseValue(text: string): TraceValue {
  const raw = text.trim();
  const body = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  const tokens = body.split(/[\s;,]+/).filter(Boolean);
  const numbers: number[] = [];
  const labels: string[] = [];
  let integer = tokens.length > 0;
  for (const tok of tokens) {
    const colon = tok.indexOf(':');
    const label = colon > 0 ? tok.slice(0, colon) : undefined;
    const numText = colon > 0 ? tok.slice(colon + 1) : tok;
    const n = parseNumber(numText);
    if (n === undefined) return { numbers: [], text: raw, raw, integer: false };
    if (label !== undefined) labels.push(label);
    if (!INTEGER.test(numText)) integer = false;
    numbers.push(n);
  }
  if (labels.length && labels.length !== numbers.length) return { numbers: [], text: raw, raw, integer: false };
  return labels.length ? { numbers, labels, raw, integer } : { numbers, raw, integer };
}

interface Line {
  group: TraceGroup;
  name: string;
  index?: number;
  value: string;
}

/** `name v1 v2` → name and value text; `name` alone → empty value. */
function nameAndValue(rest: string): { name: string; value: string } | undefined {
  const m = /^\s*([A-Za-z_][\w.-]*)\s*(.*)$/.exec(rest);
  return m ? { name: m[1], value: m[2] } : undefined;
}

/** `k=v k2=v2` fields of a φ line (values have no spaces). */
function phiFields(rest: string): Array<{ key: string; value: string }> {
  const fields: Array<{ key: string; value: string }> = [];
  for (const m of rest.matchAll(/([A-Za-z_]\w*)\s*=\s*(\S*)/g)) fields.push({ key: m[1], value: m[2] });
  return fields;
}

/** The φ lines of both dialects: `TRACE_C_PHI phi_tic=0 k_frac=…` or `TRACE_PY_PHI 0: name v`. */
function phiLines(rest: string): Line[] | string {
  const indexed = /^\s*(\d+)\s*:\s*(.*)$/.exec(rest);
  if (indexed && !indexed[2].includes('=')) {
    const nv = nameAndValue(indexed[2]);
    return nv ? [{ group: 'phi', index: Number(indexed[1]), ...nv }] : 'a φ line without a name';
  }
  const fields = phiFields(indexed ? indexed[2] : rest);
  const tic = fields.find((f) => f.key === 'phi_tic' || f.key === 'phi_step' || f.key === 'tic');
  const index = tic ? Number(tic.value) : indexed ? Number(indexed[1]) : undefined;
  if (index === undefined || !Number.isInteger(index)) return 'a φ line without phi_tic';
  return fields.filter((f) => f !== tic).map((f) => ({ group: 'phi' as const, index, name: f.key, value: f.value }));
}

/** Split one tagged line into its entries (a φ line holds several). */
function readTagged(tag: string, rest: string): Line[] | string {
  switch (tag) {
    case 'TRACE_C': {
      const body = rest.replace(/^:/, '');
      const geom = /^([A-Za-z_]\w*)=(.*)$/.exec(body);
      if (geom) return [{ group: 'geometry', name: geom[1], value: geom[2] }];
      const nv = nameAndValue(body);
      return nv ? [{ group: 'pixel', ...nv }] : 'a TRACE_C line without a name';
    }
    case 'TRACE_PY': {
      const nv = nameAndValue(rest.replace(/^:/, ''));
      return nv ? [{ group: 'pixel', ...nv }] : 'a TRACE_PY line without a name';
    }
    case 'TRACE_C_SOURCE2': {
      const nv = nameAndValue(rest.replace(/^:/, ''));
      return nv ? [{ group: 'source', index: 2, ...nv }] : 'a TRACE_C_SOURCE2 line without a name';
    }
    case 'TRACE_PY_SOURCE': {
      const m = /^\s*(\d+)\s*:\s*(.*)$/.exec(rest);
      const nv = m ? nameAndValue(m[2]) : undefined;
      return m && nv ? [{ group: 'source', index: Number(m[1]), ...nv }] : 'a TRACE_PY_SOURCE line without "i: name"';
    }
    default:
      return phiLines(rest.replace(/^:/, ''));
  }
}

function keyOf(l: Line): string {
  if (l.group === 'geometry') return `geometry:${l.name}`;
  if (l.group === 'source') return `source[${l.index}].${l.name}`;
  if (l.group === 'phi') return `phi[${l.index}].${l.name}`;
  return l.name;
}

function pixelFrom(text: string): { slow: number; fast: number } | undefined {
  const c = /spixel\s*=\s*(\d+)\s*,\s*fpixel\s*=\s*(\d+)/.exec(text);
  if (c) return { slow: Number(c[1]), fast: Number(c[2]) };
  const p = /slow\s*=\s*(\d+)\s*,\s*fast\s*=\s*(\d+)/.exec(text);
  return p ? { slow: Number(p[1]), fast: Number(p[2]) } : undefined;
}

/**
 * Parse a trace (whole stdout). `format` defaults to what the tags say (`TRACE_PY` wins over `TRACE_C` only
 * when it is the majority; a file with neither reads as C with no entries and a warning).
 */
export function parseTrace(text: string, format?: TraceFormat): ParsedTrace {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: TraceEntry[] = [];
  const byKey = new Map<string, TraceEntry>();
  const config: string[] = [];
  const warnings: string[] = [];
  let ignoredLines = 0;
  let pixel: { slow: number; fast: number } | undefined;
  let py = 0;
  let c = 0;
  let firstPixelName: string | undefined;
  let blockCount = 0;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const at = line.search(TAG);
    if (at < 0) {
      if (!pixel && /Tracing pixel/i.test(line)) pixel = pixelFrom(line);
      if (line.trim()) ignoredLines++;
      continue;
    }
    const tag = TAG.exec(line.slice(at))![0];
    const rest = line.slice(at + tag.length);
    if (tag === 'TRACE_CONFIG') {
      const body = rest.replace(/^:\s*/, '').trim();
      config.push(body);
      pixel ??= pixelFrom(body);
      continue;
    }
    if (tag.startsWith('TRACE_PY')) py++;
    else c++;
    const read = readTagged(tag, rest);
    if (typeof read === 'string') {
      warnings.push(`line ${i + 1}: ${read}: ${line.trim().slice(0, 120)}`);
      continue;
    }
    for (const l of read) {
      if (l.group === 'pixel') {
        firstPixelName ??= l.name;
        if (l.name === firstPixelName) blockCount++;
      }
      const key = keyOf(l);
      const value = parseValue(l.value);
      const known = byKey.get(key);
      if (!known) {
        const entry: TraceEntry = { key, name: l.name, group: l.group, values: [value], line: i + 1 };
        if (l.index !== undefined) entry.index = l.index;
        entries.push(entry);
        byKey.set(key, entry);
      } else if (l.group !== 'geometry' || known.values.every((v) => v.raw !== value.raw)) {
        // C prints the geometry block twice (two code paths): keep one copy of each distinct value.
        known.values.push(value);
      }
    }
  }
  if (py + c === 0) warnings.push('no TRACE_C/TRACE_PY lines: was the run made with -trace_pixel (and a TRACING build of C)?');
  const fmt: TraceFormat = format ?? (py > c ? 'py' : 'c');
  const parsed: ParsedTrace = { format: fmt, entries, byKey, blockCount: Math.max(blockCount, entries.length ? 1 : 0), config, warnings, ignoredLines };
  if (pixel) parsed.pixel = pixel;
  return parsed;
}

/** The last printed value of a name's numbers (the accumulated one after repeated blocks), or undefined. */
export function lastNumber(trace: ParsedTrace, key: string): number | undefined {
  const e = trace.byKey.get(key);
  const v = e?.values[e.values.length - 1];
  return v && v.numbers.length ? v.numbers[0] : undefined;
}
