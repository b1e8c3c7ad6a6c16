// "Better, worse or unchanged" for one case between two bundles, judged against the case's thresholds:
// 1. the verdict status first (error < fail < pass);
// 2. then each threshold the case sets: newly met is better, newly missed is worse;
// 3. then the gap to the ideal of each checked metric (1 − corr, |sum ratio − 1|, max|Δ|, RMSE): a change counts
//    when it moves the gap by more than 1e-3 of the threshold's own size (so float noise is "unchanged").
// Mixed results (one metric better, another worse) are judged worse: a regression must never hide behind a gain.
import type { Metrics, Thresholds, VerdictStatus } from '../../shared/types.ts';
import { thresholdMisses } from '../metrics/verdict.ts';

export type Change = 'better' | 'worse' | 'unchanged';

const RANK: Record<VerdictStatus, number> = { error: 0, fail: 1, pass: 2 };

interface Gap { metric: string; gap: (m: Metrics) => number | null; scale: number }

function gapsFor(t: Thresholds): Gap[] {
  const g: Gap[] = [];
  const corrScale = t.corrMin !== undefined ? Math.max(1 - t.corrMin, 1e-12) : 1e-3;
  g.push({ metric: 'correlation', gap: (m) => (m.correlation === null ? null : 1 - m.correlation), scale: corrScale });
  const srScale = t.sumRatioTol ?? (t.sumRatioMin !== undefined || t.sumRatioMax !== undefined
    ? Math.max(Math.abs(1 - (t.sumRatioMin ?? 1)), Math.abs((t.sumRatioMax ?? 1) - 1), 1e-12) : 1e-3);
  g.push({ metric: 'sum_ratio', gap: (m) => (m.sumRatio === null ? null : Math.abs(m.sumRatio - 1)), scale: srScale });
  if (t.maxAbsMax !== undefined) g.push({ metric: 'max_abs_diff', gap: (m) => m.maxAbsDiff, scale: Math.max(t.maxAbsMax, 1e-30) });
  if (t.rmseMax !== undefined) g.push({ metric: 'rmse', gap: (m) => m.rmse, scale: Math.max(t.rmseMax, 1e-30) });
  return g;
}

export function judgeChange(a: { status: VerdictStatus; metrics?: Metrics }, b: { status: VerdictStatus; metrics?: Metrics }, t: Thresholds): { change: Change; why: string } {
  if (RANK[b.status] !== RANK[a.status]) {
    const up = RANK[b.status] > RANK[a.status];
    return { change: up ? 'better' : 'worse', why: `${a.status} → ${b.status}` };
  }
  if (!a.metrics || !b.metrics) return { change: 'unchanged', why: `${a.status} in both; no metrics to compare` };
  const missA = new Set(thresholdMisses(a.metrics, t).map((x) => `${x.metric} ${x.limit}`));
  const missB = new Set(thresholdMisses(b.metrics, t).map((x) => `${x.metric} ${x.limit}`));
  const newlyMissed = [...missB].filter((x) => !missA.has(x));
  const newlyMet = [...missA].filter((x) => !missB.has(x));
  if (newlyMissed.length) return { change: 'worse', why: `newly misses ${newlyMissed.join(', ')}${newlyMet.length ? ` (though it now meets ${newlyMet.join(', ')})` : ''}` };
  if (newlyMet.length) return { change: 'better', why: `now meets ${newlyMet.join(', ')}` };
  const better: string[] = [], worse: string[] = [];
  for (const g of gapsFor(t)) {
    const ga = g.gap(a.metrics), gb = g.gap(b.metrics);
    if (ga === null || gb === null) continue;
    const moved = gb - ga;
    if (Math.abs(moved) <= 1e-3 * g.scale) continue;
    (moved < 0 ? better : worse).push(g.metric);
  }
  if (worse.length) return { change: 'worse', why: `${worse.join(', ')} moved away from the ideal${better.length ? ` (${better.join(', ')} closer)` : ''}` };
  if (better.length) return { change: 'better', why: `${better.join(', ')} closer to the ideal` };
  return { change: 'unchanged', why: `${b.status} in both; metrics within 1e-3 of each threshold's size` };
}
