// Driving the VS Code workbench like a person: wait for it, use the command palette, find the webview.
import type { FrameLocator, Locator, Page } from './pw.ts';
import { sleep } from './processes.ts';

export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer shows the opened folder once the workspace is loaded.
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'attached', timeout: timeoutMs }).catch(() => {});
}

const QUICK_INPUT = '.quick-input-widget';

export async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator(QUICK_INPUT).isVisible()) await page.keyboard.press('Escape');
}

/**
 * Runs a command from the palette by its title. The palette lists commands when it opens; if the extension
 * host has not registered ours yet it shows "No matching commands" and never refreshes, so close and reopen.
 * `beforeEnter` gets the chance to screenshot the palette with the command highlighted.
 */
export async function runCommand(page: Page, title: string, opts: { timeoutMs?: number; beforeEnter?: () => Promise<void> } = {}): Promise<number> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let opens = 0;
  for (;;) {
    opens++;
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    const input = page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator(`${QUICK_INPUT} .monaco-list-row`).filter({ hasText: title }).first();
    const found = await row.waitFor({ state: 'visible', timeout: 2500 }).then(() => true, () => false);
    if (found) {
      // Pick the row whose label ends with the exact title (fuzzy matching can rank another command first).
      const rows = page.locator(`${QUICK_INPUT} .monaco-list-row`);
      const n = await rows.count();
      let target: Locator = row;
      for (let i = 0; i < n; i++) {
        const label = (await rows.nth(i).getAttribute('aria-label')) ?? (await rows.nth(i).innerText());
        if (label.split(',')[0].trim().endsWith(title)) { target = rows.nth(i); break; }
      }
      if (opts.beforeEnter) await opts.beforeEnter();
      await target.click();
      return opens;
    }
    if (Date.now() > deadline) {
      throw new Error(`command "${title}" never appeared in the palette after ${opens} opens (extension not activated or title changed)`);
    }
    await page.keyboard.press('Escape');
    await sleep(1000);
  }
}

/** The results webview content (two iframes deep). */
export function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Notification toasts currently shown, as text. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notification-toast, .notifications-toasts .monaco-list-row').allInnerTexts();
}

/** Waits until a notification toast containing `text` shows; returns its locator. */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return toast;
}

export async function pollUntil<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) { lastErr = e; }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${lastErr ? ` (last error: ${(lastErr as Error).message})` : ''}`);
    }
    await sleep(everyMs);
  }
}

/**
 * Waits until the keyboard focus has not moved for `quietMs`. A notification toast that holds the focus (a link in it
 * was clicked) hands it to the active editor when it leaves; when that editor is a webview (the results panel), the
 * focus reaches its frame late, through a message, and closed a palette opened meanwhile (seen in x-walkthrough-remote).
 */
export async function waitForFocusToSettle(page: Page, quietMs = 700, timeoutMs = 10_000): Promise<void> {
  const count = `(() => { if (window.__nbFocusMoves === undefined) { window.__nbFocusMoves = 0;
    for (const t of ['focusin', 'focusout']) document.addEventListener(t, () => { window.__nbFocusMoves++; }, true); }
    return window.__nbFocusMoves + ':' + (document.activeElement && document.activeElement.outerHTML.slice(0, 80)); })()`;
  const deadline = Date.now() + timeoutMs;
  let last = await page.evaluate(count as unknown as () => string);
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    await sleep(100);
    const now = await page.evaluate(count as unknown as () => string);
    if (now !== last) { last = now; since = Date.now(); }
  }
}

/** Clears the notification list, the run's result notice included (a progress notification "Clear All" skips). */
export async function clearNotifications(page: Page): Promise<void> {
  // The notice's own "Dismiss" link first (what a user clicks); the palette command when its toast is hidden.
  const dismiss = page.locator('.notifications-toasts .notification-list-item a').filter({ hasText: /^Dismiss$/ }).first();
  if (await dismiss.count() && await dismiss.isVisible()) await dismiss.click();
  else await runCommand(page, "Dismiss the run's result notification", { timeoutMs: 10_000 }).catch(() => closeQuickInput(page));
  // The notice leaves after VS Code's minimum progress display; a palette opened meanwhile can lose its focus.
  await dismiss.waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  await sleep(500);
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'Notifications: Clear All Notifications', { timeoutMs: 15_000 });
      await waitForFocusToSettle(page);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await closeQuickInput(page).catch(() => undefined);
      await sleep(1000);
    }
  }
}

/**
 * Types `target` into VS Code's simple save dialog (code-server's) and accepts it. The dialog completes what is
 * typed while it loads the folder and validates asynchronously: a fill made too early can be mangled (seen: the path
 * typed twice, or the default name kept) and an Enter before it settles accepts the default. So it types again until
 * the value sticks, then waits a moment before Enter.
 */
export async function saveDialogAccept(page: Page, target: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await pollUntil('the typed path in the save dialog', async () => {
    if ((await input.inputValue()) === target) return true;
    await input.fill(target);
    await sleep(700);
    return undefined;
  }, 20_000, 300);
  await sleep(750);
  await page.keyboard.press('Enter');
}
