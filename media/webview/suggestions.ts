// "Try a fix": the flags the diagnosis suggests (CaseView.suggestions, from core/diagnosis/fixSuggestions.ts), each
// with a "Run with this fix" button. The host re-runs the case with those flags on both sides as a what-if bundle and
// opens the original beside the what-if (src/extension/commands/whatIf.ts); the answer lands in the status line.
import type { CaseView } from '../../src/shared/messages.ts';
import type { CompareRequest } from '../../src/shared/compareMessages.ts';
import { h } from './dom.ts';

export type Ask = (button: HTMLButtonElement, what: string, msg: CompareRequest) => void;

/** Whether the host can run what-ifs for this bundle now, and why not. */
export interface WhatIfState { enabled: boolean; reason?: string }

export function suggestionsSection(cv: CaseView, bundleDir: string, state: WhatIfState, ask: Ask): HTMLElement | undefined {
  const list = cv.suggestions ?? [];
  if (!list.length) return undefined;
  const items = list.map((s, i) => {
    const flags = s.flags.join(' ');
    const b: HTMLButtonElement = h('button', {
      type: 'button', class: 'small', 'data-testid': `btn-whatif-${cv.caseId}-${i}`, 'data-flags': flags, disabled: !state.enabled,
      'aria-label': `Run ${cv.caseId} with ${flags} on both sides (a what-if)`,
      title: state.enabled ? `Re-run ${cv.caseId} with ${flags} on both sides in a new what-if bundle (never recorded as the case), then compare it with this one`
        : `Not available: ${state.reason ?? 'this panel cannot run a what-if'}`,
      onclick: () => ask(b, `What-if ${flags}`, { type: 'runWhatIf', requestId: 0, bundleDir, caseId: cv.caseId, flags: s.flags, reason: s.why }),
    }, 'Run with this fix');
    return h('li', { 'data-testid': `suggestion-${cv.caseId}-${i}`, 'data-from': s.from.join(',') },
      h('code', {}, flags), ' ', b, h('div', { class: 'muted' }, s.why));
  });
  return h('section', { class: 'suggestions', 'data-testid': `suggestions-${cv.caseId}`, 'aria-label': `Suggested fixes for ${cv.caseId}` },
    h('h3', {}, 'Try a fix (what-if)'),
    h('p', { class: 'muted' }, 'Each runs the case again with the flags on both sides, in a new bundle marked as a what-if, and opens it beside this one.'),
    h('ul', { class: 'mismatches' }, ...items));
}
