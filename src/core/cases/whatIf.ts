// What-if cases: a case re-run with a suggested flag on both sides (e.g. the same -N). The id gets a suffix so the
// bundle, the history and the ledger can never mistake it for the case itself; `record` refuses what-if bundles.
import type { Case, WhatIf } from '../../shared/types.ts';

export const WHAT_IF_SUFFIX = '~whatif';

export const isWhatIfId = (id: string): boolean => id.endsWith(WHAT_IF_SUFFIX);

/** The flag's value-taking form: replaces an existing `-X value` of the same name, else appends. */
export function withFlags(flags: readonly string[], add: readonly string[]): string[] {
  const out = [...flags];
  for (let i = 0; i < add.length; i++) {
    const name = add[i];
    const value = add[i + 1] !== undefined && !add[i + 1].startsWith('-') ? add[++i] : undefined;
    const at = out.indexOf(name);
    if (at < 0) out.push(name, ...(value === undefined ? [] : [value]));
    else if (value !== undefined) {
      const hasValue = out[at + 1] !== undefined && !out[at + 1].startsWith('-');
      out.splice(at + 1, hasValue ? 1 : 0, value);
    }
  }
  return out;
}

export function whatIfCase(c: Case, add: readonly string[]): Case {
  if (isWhatIfId(c.id)) throw new Error(`${c.id} is already a what-if`);
  return { ...c, id: `${c.id}${WHAT_IF_SUFFIX}`, label: `${c.label} (what-if ${add.join(' ')})`, fileStem: `${c.fileStem}_whatif`, flags: withFlags(c.flags, add) };
}

export function whatIfMarker(cases: readonly Case[], add: readonly string[], reason?: string): WhatIf {
  return { flags: [...add], of: cases.map((c) => c.id), ...(reason ? { reason } : {}) };
}
