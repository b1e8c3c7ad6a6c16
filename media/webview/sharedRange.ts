// One colour range for reference and candidate, so that equal colours mean equal values on both sides (each image
// on its own range hides a candidate 10× too bright). The range is the union of the two images' own ranges; a
// locked range (ViewSettings.lockedRange, persisted in the webview state) overrides it across runs and cases.
import type { LockedRange, ScaleName, ViewSettings } from '../../src/shared/messages.ts';
import { intensityMapping, MAX_LOG_DECADES, type Mapping } from './colormap.ts';

/** The union of two intensity mappings of one scale: lowest bottom, highest top. */
export function unionMapping(a: Mapping, b: Mapping): Mapping {
  if (a.kind === 'linear' && b.kind === 'linear') return { kind: 'linear', lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
  if (a.kind === 'log' && b.kind === 'log') {
    const hi = Math.max(a.hi, b.hi);
    return { kind: 'log', floor: Math.max(hi * 10 ** -MAX_LOG_DECADES, Math.min(a.floor, b.floor)), hi };
  }
  throw new Error(`cannot join a ${a.kind} and a ${b.kind} colour range`);
}

/** The shared mapping of the images present (reference, candidate; missing ones are skipped); undefined if none. */
export function sharedMapping(images: (ArrayLike<number> | undefined)[], scale: ScaleName, clipPercentile: number): Mapping | undefined {
  let m: Mapping | undefined;
  for (const img of images) {
    if (!img) continue;
    const own = intensityMapping(img, scale, clipPercentile);
    m = m ? unionMapping(m, own) : own;
  }
  return m;
}

/** A locked range as a mapping, when it was locked on the scale now in use (a linear range means nothing in log). */
export function lockedMapping(settings: ViewSettings): Mapping | undefined {
  const l = settings.lockedRange;
  if (!l || l.scale !== settings.scale) return undefined;
  return l.scale === 'log' ? { kind: 'log', floor: l.lo, hi: l.hi } : { kind: 'linear', lo: l.lo, hi: l.hi };
}

/** The lock to store for a mapping (undefined for one that is not an intensity range). */
export function lockFor(m: Mapping | undefined, scale: ScaleName): LockedRange | undefined {
  if (!m) return undefined;
  if (m.kind === 'linear' && scale === 'linear') return { scale, lo: m.lo, hi: m.hi };
  if (m.kind === 'log' && scale === 'log') return { scale, lo: m.floor, hi: m.hi };
  return undefined;
}

/** Several cases' shared ranges joined into one (what "lock" keeps when several cases are shown). */
export function joinAll(ms: (Mapping | undefined)[]): Mapping | undefined {
  let out: Mapping | undefined;
  for (const m of ms) if (m) out = out ? unionMapping(out, m) : m;
  return out;
}

/** Which range the reference and candidate panels use now: locked, else shared (on by default), else their own. */
export function intensityRangeFor(settings: ViewSettings, shared: Mapping | undefined): { mapping: Mapping | undefined; source: 'locked' | 'shared' | 'own' } {
  const locked = lockedMapping(settings);
  if (locked) return { mapping: locked, source: 'locked' };
  if (settings.sharedRange !== false && shared) return { mapping: shared, source: 'shared' };
  return { mapping: undefined, source: 'own' };
}
