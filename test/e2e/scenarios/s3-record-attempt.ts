// Scenario 3: "Record attempt in fix_plan.md" from the webview button → item pick → note → options → diff preview →
// Apply. docs/fix_plan.md on disk must gain exactly the new attempt (the next number of that item, computed here
// independently of the ledger code), inside the item's section, and every other byte must be unchanged.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import { pollUntil } from '../workbench.ts';
import { installFocusTrace, takeFocusTrace } from '../focusTrace.ts';
import { sleep } from '../processes.ts';
import { runSeedAndWait } from './common.ts';

const ITEM = 'SOURCE-WEIGHT-001';
const NOTE = 'recorded by the e2e test from the webview';
const QI = '.quick-input-widget';
/** In the page: does the keyboard focus sit inside the quick input widget? */
const FOCUS_IN_QI = `!!document.activeElement && !!document.activeElement.closest(${JSON.stringify(QI)})`;

/** Lines with their end-of-line characters kept, so joining them gives the exact bytes back. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Next attempt number of an item: 1 + the largest "Attempt #N" inside its "## [ID]" section. */
function expectedAttempt(text: string, item: string): number {
  const start = text.indexOf(`## [${item}]`);
  assert.ok(start >= 0, `docs/fix_plan.md has no "## [${item}]" section`);
  const next = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, next < 0 ? undefined : next);
  const numbers = [...section.matchAll(/Attempt #(\d+)/g)].map((m) => Number(m[1]));
  return Math.max(0, ...numbers) + 1;
}

/** The insertion that turns `before` into `after`, by common prefix and suffix of lines; fails on any other change. */
function pureInsertion(before: string, after: string): { at: number; inserted: string[] } {
  const a = linesOf(before), b = linesOf(after);
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const removed = a.slice(p, a.length - s);
  assert.deepEqual(removed, [], `lines of fix_plan.md were changed or removed, not only added:\n${removed.join('')}`);
  const inserted = b.slice(p, b.length - s);
  // Byte-level check: removing the inserted lines gives the original file back exactly.
  assert.ok(Buffer.from([...b.slice(0, p), ...b.slice(b.length - s)].join('')).equals(Buffer.from(before)), 'bytes differ outside the insertion');
  return { at: p, inserted };
}

export const recordAttempt: Scenario = {
  name: '3-record-attempt',
  title: 'Record attempt from the webview → diff preview → Apply → fix_plan.md has exactly the new attempt',
  viewport: { width: 1280, height: 800 }, // its ledger-diff screenshot is the README's docs/images/ledger-preview.png
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    const ledger = join(workspace, 'docs', 'fix_plan.md');
    const { bundle, view } = await runSeedAndWait(ctx);
    const before = readFileSync(ledger);
    const n = expectedAttempt(before.toString('utf8'), ITEM);
    log(`${ITEM}: expecting Attempt #${n}`);

    await step('click "Record attempt in fix_plan.md" in the webview', async () => {
      await installFocusTrace(page);
      await takeFocusTrace(page);
      await view.getByTestId('btn-record').click();
    });
    await step(`pick the item ${ITEM}`, async () => {
      const row = page.locator(`${QI} .monaco-list-row`).filter({ hasText: ITEM }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await shot('ledger-item-pick');
      await row.click();
    });
    await step(`the note prompt announces Attempt #${n}; type a note`, async () => {
      const title = page.locator(`${QI} .quick-input-title`);
      await pollUntil(`the note prompt titled with Attempt #${n}`, async () => (await title.innerText()).includes(`Attempt #${n}`) || undefined, 20_000);
      await page.locator(`${QI} input`).fill(NOTE);
      await shot('ledger-note');
      await page.keyboard.press('Enter');
    });
    await step('options: leave Status unchanged', async () => {
      const title = page.locator(`${QI} .quick-input-title`);
      await pollUntil('the options pick', async () => (await title.innerText()).includes('also') || undefined, 20_000);
      const statusRow = page.locator(`${QI} .monaco-list-row`).filter({ hasText: 'Set Status' }).first();
      await statusRow.waitFor({ state: 'visible' });
      // The flow's steps replace each other in one widget that never hides, so VS Code never hands the focus back to
      // the webview between them: the keyboard is still in the pick after the moment that hand-back would take.
      await sleep(1000);
      const trace = await takeFocusTrace(page);
      const hides = trace.filter((l) => l.includes('quick input display:none'));
      const focused = await page.evaluate(FOCUS_IN_QI as unknown as () => boolean);
      if (hides.length || !focused) {
        for (const l of trace) log(`focus: ${l}`);
        assert.equal(hides.length, 0, 'the quick input hid between the flow\'s steps (VS Code then hands the focus back to the webview)');
        assert.fail('the options pick is shown but the keyboard focus is elsewhere (an Enter would not reach it)');
      }
      // A failing bundle does not preselect Status; make sure, since a Status edit would change other bytes.
      if ((await statusRow.getAttribute('aria-checked')) === 'true') await statusRow.click();
      await page.keyboard.press('Enter');
    });
    // The preview is non-modal (issue 15): the diff shows the new entry, Apply / Edit / Cancel sit in the editor title
    // and in a notification; nothing covers the inserted lines.
    const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: `Attempt #${n}` }).first();
    await step('non-modal diff preview: the new entry is on screen, no dialog over it', async () => {
      const diff = page.locator('.monaco-diff-editor').first();
      await diff.waitFor({ state: 'visible', timeout: 20_000 });
      // Monaco renders spaces as U+00A0 in its view lines.
      await pollUntil(`Attempt #${n} visible in the diff`, async () => (await diff.innerText()).replace(/\u00a0/g, ' ').includes(`Attempt #${n}`) || undefined, 20_000);
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'a modal dialog covers the preview');
      await shot('ledger-diff');
      assert.ok(readFileSync(ledger).equals(before), 'fix_plan.md changed before Apply');
    });
    await step('Apply (editor title button, else the notification)', async () => {
      const title = page.locator('.editor-actions .action-label[aria-label^="Apply attempt"]').first();
      if (await title.count()) await title.click();
      else await toast.locator('.monaco-button').filter({ hasText: /^Apply$/ }).click({ timeout: 20_000 });
    });
    const after = await step('fix_plan.md on disk changes', () => pollUntil('the saved ledger', async () => {
      const now = readFileSync(ledger);
      return now.equals(before) ? undefined : now.toString('utf8');
    }, 20_000));
    await step(`the only change is Attempt #${n} inside [${ITEM}]`, async () => {
      const { at, inserted } = pureInsertion(before.toString('utf8'), after);
      const text = inserted.join('');
      log(`inserted ${inserted.length} line(s) after line ${at}:\n${text.trimEnd()}`);
      assert.match(text, new RegExp(`Attempt #${n}\\b`), 'the inserted lines do not name the expected attempt number');
      assert.equal([...text.matchAll(/Attempt #\d+/g)].length, 1, 'more than one attempt was inserted');
      assert.ok(text.includes(relative(workspace, bundle)), `the entry does not cite the bundle ${relative(workspace, bundle)}`);
      assert.ok(text.includes(NOTE), 'the note is missing from the entry');
      // Inside the item's section: after its heading, before the next "## " heading.
      const lines = linesOf(before.toString('utf8'));
      const head = lines.findIndex((l) => l.startsWith(`## [${ITEM}]`));
      const nextHead = lines.findIndex((l, i) => i > head && l.startsWith('## '));
      assert.ok(at > head && (nextHead < 0 || at <= nextHead), `inserted at line ${at + 1}, outside [${ITEM}] (lines ${head + 1}–${nextHead})`);
      await shot('ledger-applied');
    });
  },
};
