// Readers for nanoBragg-style flag lists (["-lambda", "6.2", "-N", "5", ...]). Exact option names; the last
// occurrence that still has its values wins, as in both CLIs (a trailing flag without a value is ignored).
// Pure (no node:), so the core, the CLI and the webview read flags the same way.

/** Values following the last occurrence of any of `names` that has `count` values after it, or undefined. */
export function flagArgs(flags: readonly string[], names: string | readonly string[], count = 1): string[] | undefined {
  const wanted = typeof names === 'string' ? [names] : names;
  for (let i = flags.length - 1 - count; i >= 0; i--) {
    if (wanted.includes(flags[i]!)) return flags.slice(i + 1, i + 1 + count);
  }
  return undefined;
}

/** The single value after the last occurrence of any of `names`, or undefined. */
export function flagValue(flags: readonly string[], names: string | readonly string[]): string | undefined {
  return flagArgs(flags, names, 1)?.[0];
}

/** That value as a finite number, or undefined (absent or not numeric). */
export function flagNumber(flags: readonly string[], names: string | readonly string[]): number | undefined {
  const v = flagValue(flags, names);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
