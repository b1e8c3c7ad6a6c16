// The colour range the user locked in the results webview (ViewSettings.lockedRange), and its check for the
// webview state that VS Code hands back after a reload.

/** lo is the bottom of a linear range or the floor of a log range. */
export interface LockedRange { scale: 'linear' | 'log'; lo: number; hi: number }

export function isLockedRange(x: unknown): x is LockedRange {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return (r.scale === 'linear' || r.scale === 'log') && num(r.lo) && num(r.hi) && r.hi > r.lo;
}
