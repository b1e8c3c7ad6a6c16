// A record of who moves the keyboard focus in the workbench page: focusin/focusout, mouse downs, keys, every
// HTMLElement.focus() call with the caller's stack, and the quick input showing or hiding. A quick pick closes when
// it loses the focus, so when one closes under a check this names the code that took the focus.
import type { Page } from './pw.ts';

// Plain ES5-style source: passed as a string so the bundler's helpers (tsx's __name) are not needed in the page.
const INSTALL = String.raw`(() => {
  if (window.__nbFocusTrace) return;
  const log = window.__nbFocusTrace = [];
  const t = () => new Date().toISOString().slice(11, 23);
  const desc = (el) => {
    if (!el || !(el instanceof Element)) return String(el);
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).slice(0, 3).join('.') : '';
    const step = el.getAttribute('data-step-id');
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (cls ? '.' + cls : '') + (step ? '[step ' + step.split('#').pop() + ']' : '');
  };
  const stack = () => (new Error().stack || '').split('\n').slice(3, 9).map((l) => l.trim().replace(/^at /, '').replace(/\(?https?:\S*\/([^/\s]+:\d+:\d+)\)?/, '($1)')).join(' < ');
  document.addEventListener('focusin', (e) => log.push(t() + ' focusin ' + desc(e.target)), true);
  document.addEventListener('focusout', (e) => log.push(t() + ' focusout ' + desc(e.target) + ' -> ' + desc(e.relatedTarget)), true);
  document.addEventListener('mousedown', (e) => log.push(t() + ' mousedown ' + desc(e.target)), true);
  document.addEventListener('keydown', (e) => log.push(t() + ' key ' + e.key + ' on ' + desc(e.target)), true);
  const focus = HTMLElement.prototype.focus;
  HTMLElement.prototype.focus = function () { log.push(t() + ' focus() ' + desc(this) + ' from ' + stack()); return focus.apply(this, arguments); };
  // Every hide of the quick input widget, synchronously (the poll below can miss a hide and re-show within 10 ms).
  new MutationObserver((ms) => {
    // A hide and a show in one task arrive as two records: a record's new value is the next one's old value.
    const ws = ms.filter((m) => m.target.classList && m.target.classList.contains('quick-input-widget'));
    for (let i = 0; i < ws.length; i++) {
      const now = i + 1 < ws.length ? ws[i + 1].oldValue || '' : ws[i].target.getAttribute('style') || '';
      if (/display:\s*none/.test(now)) log.push(t() + ' quick input display:none');
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['style'], attributeOldValue: true, subtree: true });
  let shown;
  setInterval(() => {
    const w = document.querySelector('.quick-input-widget');
    const now = !!w && w.style.display !== 'none' && !!w.offsetParent;
    if (now !== shown) { shown = now; log.push(t() + ' quick input ' + (now ? 'shown: ' + ((w.querySelector('.quick-input-title') || {}).textContent || (w.querySelector('input') || {}).value || '') : 'hidden')); }
  }, 10);
})()`;

export async function installFocusTrace(page: Page): Promise<void> {
  await page.evaluate(INSTALL as unknown as () => void);
}

/** The trace so far (and clears it). */
export async function takeFocusTrace(page: Page): Promise<string[]> {
  return page.evaluate('(window.__nbFocusTrace || []).splice(0)' as unknown as () => string[]);
}
