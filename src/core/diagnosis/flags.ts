// Small readers for nanoBragg flag lists (exact option names; the last occurrence wins, as in both CLIs).
import type { EngineId } from '../../shared/types.ts';
import { flagNumber } from '../../shared/flagList.ts';

export { flagArgs, flagNumber } from '../../shared/flagList.ts';

export function hasFlag(flags: string[], name: string): boolean {
  return flags.includes(name);
}

/** The CLI default for the crystal size in cells when no -N is given. */
export const DEFAULT_N: Record<EngineId, number | undefined> = { c: 1, torch: 5, embedded: undefined };

/** Whether any -N/-Na/-Nb/-Nc flag is present. */
export function hasNFlag(flags: string[]): boolean {
  return flags.some((f) => f === '-N' || f === '-Na' || f === '-Nb' || f === '-Nc');
}

/**
 * Crystal size in cells that these flags give on an engine whose default is `dflt`: -N sets all three axes,
 * -Na/-Nb/-Nc one each (later flags win); absent axes take the default. Values ≤ 1 clamp to 1, as in C.
 */
export function nCellsFromFlags(flags: string[], dflt: number): [number, number, number] {
  const n: [number, number, number] = [dflt, dflt, dflt];
  for (let i = 0; i < flags.length - 1; i++) {
    const v = Number(flags[i + 1]);
    if (!Number.isFinite(v)) continue;
    const c = Math.max(1, Math.trunc(v));
    if (flags[i] === '-N') n[0] = n[1] = n[2] = c;
    else if (flags[i] === '-Na') n[0] = c;
    else if (flags[i] === '-Nb') n[1] = c;
    else if (flags[i] === '-Nc') n[2] = c;
  }
  return n;
}

/** -lambda in Å (or from -energy in eV), default 1 Å as in C. */
export function lambdaAFromFlags(flags: string[]): number {
  const l = flagNumber(flags, ['-lambda']);
  if (l !== undefined && l > 0) return l;
  const e = flagNumber(flags, ['-energy']);
  if (e !== undefined && e > 0) return 12398.42 / e;
  return 1.0;
}
