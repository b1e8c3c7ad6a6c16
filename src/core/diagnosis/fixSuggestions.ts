// Suggestions a scientist can try with one click (a what-if run): the flags that the existing diagnosis says would
// make both sides agree. Read from what a case result already holds — the config diff (a setting both programs
// printed with different values, where one nanoBragg flag pins it), the preflight warnings (their `flags`, or the
// C default for an older bundle's "no -N") and the attribution (the defaultN fork). Nothing here is per case.
import type { CaseResult, ConfigMismatch, FixSuggestion } from '../../shared/types.ts';
import { DEFAULT_N, hasFlag, hasNFlag } from './flags.ts';

type Source = FixSuggestion['from'][number];

/** First number in a config-diff value ("0.1 mm" → "0.1", "2" → "2"), as written; undefined when none. */
function leadingNumber(v: string): string | undefined {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?:\s|$)/i.exec(v);
  return m && Number.isFinite(Number(m[1])) ? m[1] : undefined;
}

/** "1×1×1" → ["-N", "1"]; "2×3×4" → ["-Na", "2", "-Nb", "3", "-Nc", "4"]. */
function nCellsFlags(v: string): string[] | undefined {
  const parts = v.split('×').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return undefined;
  return parts.every((p) => p === parts[0]) ? ['-N', parts[0]] : ['-Na', parts[0], '-Nb', parts[1], '-Nc', parts[2]];
}

/**
 * Config-diff fields one flag pins on both programs, with the flag each value turns into. A field whose flag the
 * case already gives is left out: both sides then got it, so passing it again cannot be the fix.
 */
const FIELD_FLAGS: Record<string, { given: (flags: string[]) => boolean; toFlags: (v: string) => string[] | undefined }> = {
  nCells: { given: hasNFlag, toFlags: nCellsFlags },
  ...Object.fromEntries(([
    ['oversample', '-oversample'], ['phiSteps', '-phisteps'], ['mosaicDomains', '-mosaic_dom'], ['dispersionSteps', '-dispsteps'],
    ['polarizationFactor', '-polar'], ['lambdaA', '-lambda'], ['distance', '-distance'], ['pixelSize', '-pixel'],
  ] as const).map(([field, flag]) => [field, {
    given: (flags: string[]) => hasFlag(flags, flag),
    toFlags: (v: string) => { const n = leadingNumber(v); return n === undefined ? undefined : [flag, n]; },
  }])),
};

/** What a case result offers to suggestions from; `attribution` is the loose record of attribution.json. */
export type SuggestionInput = Pick<CaseResult, 'flags' | 'mismatches' | 'preflight'> & { attribution?: unknown };

class Collector {
  private readonly byKey = new Map<string, FixSuggestion>();
  add(flags: string[] | undefined, why: string, from: Source): void {
    if (!flags?.length) return;
    const key = flags.join(' ');
    const have = this.byKey.get(key);
    if (!have) { this.byKey.set(key, { flags: [...flags], why, from: [from] }); return; }
    if (!have.from.includes(from)) { have.from.push(from); have.why = `${have.why} ${why}`; }
  }
  list(): FixSuggestion[] { return [...this.byKey.values()]; }
}

function fromMismatch(m: ConfigMismatch, flags: string[], out: Collector): void {
  const rule = FIELD_FLAGS[m.field];
  if (!rule || rule.given(flags)) return;
  // The reference's value first: the candidate is the port, so "make it do what the reference does" leads.
  for (const [side, value] of [['reference', m.reference], ['candidate', m.candidate]] as const) {
    const f = rule.toFlags(value);
    if (f) out.add(f, `Config diff: ${m.field} is ${m.reference} on the reference, ${m.candidate} on the candidate; ${f.join(' ')} on both sides sets the ${side}'s value.`, 'config-diff');
  }
}

/** The attribution's chosen defaultN fork (the candidate's default crystal size) → the same -N on both sides. */
function fromAttribution(a: unknown, flags: string[], out: Collector): void {
  if (!a || typeof a !== 'object' || hasNFlag(flags)) return;
  const chosen = (a as { chosen?: unknown }).chosen;
  if (!Array.isArray(chosen)) return;
  for (const c of chosen as Record<string, unknown>[]) {
    if (c?.['fork'] !== 'defaultN' || typeof c['from'] !== 'string' || typeof c['value'] !== 'string') continue;
    for (const n of [c['from'], c['value']]) {
      if (/^\d+$/.test(n)) out.add(['-N', n], `Attribution: the defaultN fork (${c['from']} → ${c['value']}) explains the difference; -N ${n} on both sides takes the default out.`, 'attribution');
    }
  }
}

export function suggestFixes(r: SuggestionInput): FixSuggestion[] {
  const out = new Collector();
  for (const m of r.mismatches ?? []) if (m.severity !== 'info') fromMismatch(m, r.flags, out);
  for (const w of r.preflight ?? []) {
    // Bundles written before preflight warnings carried flags: "no -N" → C's default, as the warning suggests.
    const flags = w.flags ?? (w.code === 'no-N' && !hasNFlag(r.flags) ? ['-N', String(DEFAULT_N.c)] : undefined);
    out.add(flags, `Preflight: ${w.message}`, 'preflight');
  }
  fromAttribution(r.attribution, r.flags, out);
  return out.list();
}
