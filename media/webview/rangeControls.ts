// Toolbar controls of the intensity colour range: "same range" (reference and candidate share one range, on by
// default) and "lock" (keep the range now shown across re-runs and other cases; kept in the webview state).
import type { ViewSettings } from '../../src/shared/messages.ts';
import { h } from './dom.ts';
import type { Mapping } from './colormap.ts';
import { joinAll, lockFor } from './sharedRange.ts';
import { fmtNumber } from '../../src/shared/format.ts';

export interface RangeControls {
  element: HTMLElement;
  sync(settings: ViewSettings): void;
}

/** `ranges` gives the shared range of every case shown (joined into one when locking). */
export function rangeControls(getSettings: () => ViewSettings, update: (patch: Partial<ViewSettings>) => void,
  ranges: () => (Mapping | undefined)[]): RangeControls {
  const shared = h('input', { type: 'checkbox', 'data-testid': 'shared-range' }) as HTMLInputElement;
  const lock = h('input', { type: 'checkbox', 'data-testid': 'lock-range' }) as HTMLInputElement;
  const lockLabel = h('label', { title: 'Keep this colour range for re-runs and other cases' }, lock, ' lock range');
  shared.addEventListener('change', () => update({ sharedRange: shared.checked }));
  lock.addEventListener('change', () => {
    const s = getSettings();
    update({ lockedRange: lock.checked ? lockFor(joinAll(ranges()), s.scale) : undefined });
  });
  const element = h('span', { class: 'range-controls' },
    h('label', { title: 'Colour reference and candidate on one range, so equal colours mean equal values' }, shared, ' same range'),
    ' ', lockLabel);
  return {
    element,
    sync(s: ViewSettings): void {
      shared.checked = s.sharedRange !== false;
      const l = s.lockedRange;
      lock.checked = l !== undefined;
      lockLabel.title = l
        ? `Locked at ${fmtNumber(l.lo)} … ${fmtNumber(l.hi)} (${l.scale})${l.scale !== s.scale ? ': not applied on this scale' : ''}; untick to follow the data`
        : 'Keep this colour range for re-runs and other cases';
    },
  };
}
