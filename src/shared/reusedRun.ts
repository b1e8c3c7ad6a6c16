// A C side that was not run: its float file was copied from an identical, proven earlier run (core/engines/c/reuse.ts
// puts `reused` in the run's info). Every report that shows a side's outcome says so, through this one reader.
export interface ReusedFrom {
  /** Absolute path of the earlier bundle's float file. */
  from: string;
  /** When that run was filed (ISO). */
  at: string;
}

export function reusedFrom(run: { info?: Record<string, unknown> }): ReusedFrom | undefined {
  const r = run.info?.reused as { from?: unknown; at?: unknown } | undefined;
  return r && typeof r.from === 'string' ? { from: r.from, at: typeof r.at === 'string' ? r.at : '' } : undefined;
}

/** "<bundle folder>/<file>": enough to find the earlier run in a line of text. */
export function reusedShort(r: ReusedFrom): string {
  const parts = r.from.split(/[\\/]/);
  return parts.slice(-2).join('/');
}
