// Longest first. With more cases than slots, a long case that happens to start last keeps the whole run waiting
// while the other slots idle (the matrix's tail: one 30 s case after 54 short ones). So the cases start in order of
// their slower side's wall time in the newest earlier bundle that ran them; cases never run before go first, in
// their own order (they may be long). Only the start order changes: results, bundle and report keep the cases'
// order.
import type { CaseResult } from '../../shared/types.ts';
import type { PreviousRun, PreviousRunQuery } from '../compare/bundles.ts';

/** The earlier runs whose timings order a run (previousRunsMany): 20 bundles are enough for a matrix re-run, and
 * cheap when some cases are new. Any engines: a case's length hardly depends on who is on the other side. */
export const TIMING_QUERY: PreviousRunQuery = { limit: 20 };

/** The slower side's wall time of a finished case (ms), if both sides ran. */
export function caseWallMs(c: Pick<CaseResult, 'reference' | 'candidate'>): number | undefined {
  const t = Math.max(c.reference?.wallMs ?? NaN, c.candidate?.wallMs ?? NaN);
  return Number.isFinite(t) ? t : undefined;
}

/** Start order (indices into `caseIds`): unknown durations first in their order, then known ones, longest first. */
export function longestFirstOrder(caseIds: readonly string[], lastMs: ReadonlyMap<string, number>): number[] {
  const idx = caseIds.map((_, i) => i);
  const unknown = idx.filter((i) => !lastMs.has(caseIds[i]));
  const known = idx.filter((i) => lastMs.has(caseIds[i])).sort((a, b) => lastMs.get(caseIds[b])! - lastMs.get(caseIds[a])! || a - b);
  return [...unknown, ...known];
}

/** The start order for a run; the plain order when every case gets a slot at once or nothing earlier is readable. */
export async function startOrder(caseIds: string[], slots: number, earlier: Promise<ReadonlyMap<string, PreviousRun>>): Promise<number[]> {
  if (caseIds.length <= slots) return caseIds.map((_, i) => i);
  const lastMs = new Map<string, number>();
  for (const [id, p] of await earlier.catch(() => new Map<string, PreviousRun>())) {
    const ms = caseWallMs(p.result);
    if (ms !== undefined) lastMs.set(id, ms);
  }
  return longestFirstOrder(caseIds, lastMs);
}
