// code-server checks of issue 15's feedback and setup parts (run by codeserver-checks.ts): the Getting started
// walkthrough fixing an interpreter setting that this remote window ignores, one result notification per run, the
// panel's confirmations as notifications, and the Explorer menu only on bundle folders and metrics.json.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, readJsonc, REPO, type Scenario, type ScenarioContext } from '../e2e/harness.ts';
import { sleep } from '../e2e/processes.ts';
import type { Locator } from '../e2e/pw.ts';
import { clearNotifications, pollUntil, runCommand, saveDialogAccept } from '../e2e/workbench.ts';
import { installFocusTrace, takeFocusTrace } from '../e2e/focusTrace.ts';
import { listBundleDirs, runSeedAndWait, TITLE_RUN_SEED, waitForNewBundle } from '../e2e/scenarios/common.ts';

const STANDIN_PY = join(REPO, 'test', 'fixtures', 'standins', 'python');
const NO_TORCH_PY = join(REPO, 'test', 'fixtures', 'standins', 'python-no-torch');
const TOASTS = '.notifications-toasts .notification-list-item';
const DOCS_IMAGES = join(REPO, 'docs', 'images');

/** Copies a check's screenshot into docs/images (the README's pictures come from these checks). */
function toDocs(file: string, name: string): void {
  mkdirSync(DOCS_IMAGES, { recursive: true });
  copyFileSync(file, join(DOCS_IMAGES, name));
}

async function toastTexts(ctx: ScenarioContext, re: RegExp): Promise<string[]> {
  return (await ctx.page.locator(TOASTS).allInnerTexts()).filter((t) => re.test(t));
}

// ---- (a) the walkthrough in a remote-style window ------------------------------------------------------------------

const PY_STEP = 'Choose Python with torch';
/** In the page: the walkthrough's "Choose Python with torch" step element (a button). */
const STEP_JS = `[...document.querySelectorAll('.getting-started-step')].find((e) => e.textContent.includes(${JSON.stringify(PY_STEP)}))`;

/** Runs `fn` with the page's focus moves recorded; on a failure they go to the log (they name who took the focus). */
async function withFocusTrace(ctx: ScenarioContext, fn: () => Promise<void>): Promise<void> {
  await installFocusTrace(ctx.page);
  await takeFocusTrace(ctx.page);
  try { await fn(); } catch (e) {
    for (const l of await takeFocusTrace(ctx.page).catch(() => [])) ctx.log(`focus: ${l}`);
    throw e;
  }
}

async function quickInputTitled(page: ScenarioContext['page'], title: string): Promise<void> {
  const t = page.locator('.quick-input-widget .quick-input-title');
  await pollUntil(`the quick input "${title}"`, async () => await t.isVisible() && (await t.innerText()) === title, 20_000, 100);
}

/**
 * Moves the focus to the walkthrough step as VS Code's own timer does (HTMLElement.focus() on the step), so the check
 * does not rest on winning that race, and asserts the quick input titled `title` is still open a second later.
 * Returns whether the walkthrough's timer had already taken the focus from it by itself (seen in the focus trace).
 */
async function stealFocusAndKeepOpen(page: ScenarioContext['page'], title: string): Promise<boolean> {
  await sleep(400); // the walkthrough's timer (250 ms after the step click) has fired
  const trace = await takeFocusTrace(page);
  const shown = trace.findIndex((l) => l.includes(`quick input shown: ${title}`));
  const own = shown >= 0 && trace.slice(shown).some((l) => / focus\(\) button\.getting-started-step/.test(l));
  const active = await page.evaluate(`(() => { const s = ${STEP_JS}; s.focus(); return document.activeElement === s; })()` as unknown as () => boolean);
  assert.ok(active, 'the walkthrough step did not take the focus: the check would prove nothing');
  await sleep(1000);
  const t = page.locator('.quick-input-widget .quick-input-title');
  assert.ok(await t.isVisible() && (await t.innerText()) === title, `the quick input "${title}" closed when the walkthrough step took the focus`);
  return own;
}

export const walkthroughRemote: Scenario = {
  name: 'x-walkthrough-remote',
  title: 'remote window: a User-settings interpreter is ignored and explained; the walkthrough writes the setting where this window reads it; the next run uses it',
  // code-server is a remote window, where machine-overridable values in User settings may be ignored. The User value
  // is an interpreter without torch, added while the window is open (as the Settings UI would); the user's PyTorch
  // port cannot exist here, so the walkthrough then picks the stand-in interpreter (test/fixtures/standins/python).
  viewport: { width: 1280, height: 800 },
  prepare(ws) { mergeWorkspaceSettings(ws, { 'nbParity.candidate': 'torch', 'nbParity.reference': 'embedded', 'nbParity.torchMode': 'cold' }); },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    await step('add nbParity.python to User settings while the window is open', async () => {
      await page.locator('.statusbar-item').filter({ hasText: 'Parity' }).first().waitFor({ state: 'visible', timeout: 60_000 });
      const file = join(ctx.server.userDataDir, 'User', 'settings.json');
      writeFileSync(file, JSON.stringify({ ...readJsonc(file), 'nbParity.python': NO_TORCH_PY }, null, 2));
      await sleep(3000); // the workbench watches the file
    });
    await step('the first run ignores the User value; "Check settings scopes" explains it', async () => {
      const before = listBundleDirs(workspace);
      await runCommand(page, TITLE_RUN_SEED);
      const bundle = await waitForNewBundle(workspace, before, 120_000);
      assert.ok(!existsSync(join(bundle, 'py_tc_d1.bin')), 'the candidate ran with an interpreter that has no torch');
      // The bundle's commands.txt names the interpreter the run used (the log file is written lazily).
      const used = /# PyTorch port: (\S+) -m nanobrag_torch/.exec(readFileSync(join(bundle, 'commands.txt'), 'utf8'))?.[1];
      assert.ok(used, `${bundle}/commands.txt names no PyTorch interpreter`);
      // The run ends by opening the panel and the result notice; a palette opened before that loses its focus.
      await pollUntil('the result notice', async () => (await toastTexts(ctx, /^Parity(: all \d+| \d+\/\d+) passed/m))[0], 60_000, 300);
      // The trap of issue 15: a remote window ignores a machine-overridable User value (measured: a value added while
      // the window is open; one already in the file at start-up was applied by code-server 4.139.1).
      assert.notEqual(used, NO_TORCH_PY, 'this code-server applied the User value, so the remote-window trap did not happen; the check cannot show the walkthrough fixing it');
      // The palette's click can be lost while the results panel settles (seen once in CI): the check is the message,
      // so a command that did not run is run again (it only shows a message).
      let t: string | undefined;
      for (let attempt = 1; attempt <= 3 && !t; attempt++) {
        await runCommand(page, 'Check settings scopes');
        t = await pollUntil('the scope warning', async () => (await toastTexts(ctx, /User settings, but this is a remote window/))[0], 10_000, 500).catch(() => undefined);
        if (!t) log(`no scope warning after running "Check settings scopes" (attempt ${attempt}); running it again`);
      }
      assert.ok(t, '"Check settings scopes" showed no warning about the User value in 3 runs');
      log(`User value ignored (the run used ${used}); the check says: ${t.replace(/\s+/g, ' ').slice(0, 140)}`);
    });
    await clearNotifications(page);
    await step('Getting started → Choose Python with torch → Select interpreter…: the pick opens and stays open', async () => {
      await runCommand(page, 'Getting started');
      await page.locator('.getting-started-step').filter({ hasText: PY_STEP }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await withFocusTrace(ctx, async () => {
        // A quick user: the step, then its button before the step's expand animation ends (clicked in the page: a
        // Playwright click waits for the animation, i.e. races the timer). VS Code's walkthrough focuses the step 250 ms
        // after the first click, by then usually over the open pick: without ignoreFocusOut the pick closed (issue 15).
        await page.evaluate(`(() => { const s = ${STEP_JS}; s.querySelector('.step-title').click();
          [...s.querySelectorAll('.monaco-button')].find((b) => b.textContent.includes('Select interpreter')).click(); })()` as unknown as () => void);
        await quickInputTitled(page, 'Select Python interpreter for PyTorch');
        const walkthroughTookIt = await stealFocusAndKeepOpen(page, 'Select Python interpreter for PyTorch');
        log(`the walkthrough's own timer focused its step while the pick was open: ${walkthroughTookIt ? 'yes' : 'no (it fired before the pick opened)'}; the pick stayed open`);
      });
    });
    await step('→ Enter interpreter path…: the path box opens, stays open, takes the path', async () => {
      await withFocusTrace(ctx, async () => {
        await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Enter interpreter path' }).first().click({ timeout: 5000 });
        await quickInputTitled(page, 'Python interpreter');
        await stealFocusAndKeepOpen(page, 'Python interpreter');
        const input = page.locator('.quick-input-widget input');
        await input.fill(STANDIN_PY, { timeout: 5000 });
        assert.equal(await input.inputValue(), STANDIN_PY);
        await page.keyboard.press('Enter');
      });
    });
    await step('saved to Workspace settings, checked (stand-in torch version), the step is done', async () => {
      const saved = await pollUntil('nbParity.python in .vscode/settings.json', async () => readJsonc(join(workspace, '.vscode', 'settings.json'))['nbParity.python'] === STANDIN_PY || undefined, 30_000, 500);
      assert.ok(saved);
      const where = await pollUntil('the "saved to" notification', async () => (await toastTexts(ctx, /saved to Workspace settings.*where this window reads it/))[0], 20_000, 500);
      const checked = await pollUntil('the interpreter check', async () => (await toastTexts(ctx, /torch 0\.0\.0\+standin/))[0], 30_000, 500);
      const done = page.locator('.getting-started-step').filter({ hasText: 'Choose Python with torch' }).locator('.codicon-pass-filled, .complete');
      await pollUntil('the walkthrough step marked done', async () => (await done.count()) > 0 || undefined, 20_000, 500);
      toDocs(await shot('walkthrough'), 'walkthrough.png');
      log(`${where.replace(/\s+/g, ' ').slice(0, 110)} | ${checked.replace(/\s+/g, ' ').slice(0, 90)}`);
    });
    await step('the next run uses the interpreter the walkthrough set', async () => {
      const before = listBundleDirs(workspace);
      await runCommand(page, TITLE_RUN_SEED);
      const bundle = await waitForNewBundle(workspace, before, 120_000);
      assert.ok(existsSync(join(bundle, 'py_tc_d1.bin')), `${bundle} has no PyTorch (stand-in) image`);
      assert.match(readFileSync(join(bundle, 'commands.txt'), 'utf8'), new RegExp(`# PyTorch port: ${STANDIN_PY.replace(/[.+]/g, '\\$&')} -m nanobrag_torch`));
      log(`second bundle ${basename(bundle)}: candidate ran ${STANDIN_PY}`);
    });
  },
};

// ---- (b) one notification per run; confirmations as notifications ------------------------------------------------

/** Every notification in the list (toasts and the ones the center keeps), as text: opens the center to read it. */
async function notificationCenter(ctx: ScenarioContext): Promise<string[]> {
  await runCommand(ctx.page, 'Notifications: Show Notifications');
  const center = ctx.page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: 10_000 });
  await sleep(300);
  const texts = await center.locator('.notification-list-item').allInnerTexts();
  await runCommand(ctx.page, 'Notifications: Hide Notifications').catch(() => ctx.page.keyboard.press('Escape'));
  return texts;
}

export const notices: Scenario = {
  name: 'x-notices',
  title: 'one result notification per run (the old one closes when the next run starts); Copy metrics / Export PNG confirmed as notifications',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    const { bundle: first, view } = await runSeedAndWait(ctx);
    const stamp1 = basename(first);
    await step('the first run’s result notification, with its actions as links', async () => {
      const t = await pollUntil('the result notice', async () => (await toastTexts(ctx, new RegExp(`^Parity.*bundle ${stamp1}`, 's')))[0], 30_000, 300);
      await shot('result-notice');
      assert.match(t, /Open results/);
      assert.match(t, /Record attempt/);
      assert.match(t, /Dismiss/);
    });
    let sawProgressAlone = false;
    const second = await step('second run: while its progress shows, the first result is gone', async () => {
      const before = listBundleDirs(workspace);
      await runCommand(page, TITLE_RUN_SEED);
      // The embedded seed run is short: check every frame we can until the run's bundle is there.
      const deadline = Date.now() + 120_000;
      for (;;) {
        const texts = await page.locator(TOASTS).allInnerTexts();
        const progress = texts.some((t) => /nanoBragg Parity: TC-D1, TC-D3/.test(t));
        const old = texts.some((t) => t.includes(`bundle ${stamp1}`));
        if (progress) { assert.ok(!old, `the old result toast sits next to the new run's progress: ${texts.join(' | ')}`); sawProgressAlone = true; }
        const fresh = listBundleDirs(workspace).filter((d) => !before.includes(d));
        if (fresh.length && !progress) return fresh[0]!;
        if (Date.now() > deadline) throw new Error('no second bundle');
        await sleep(100);
      }
    });
    log(`progress seen without the old result: ${sawProgressAlone}`);
    await step('after the second run exactly one result notification exists (the new one)', async () => {
      const stamp2 = basename(second);
      await pollUntil('the second result notice', async () => (await toastTexts(ctx, new RegExp(`bundle ${stamp2}`)))[0], 30_000, 300);
      const visible = await toastTexts(ctx, /^Parity(: all \d+| \d+\/\d+) passed/m);
      assert.equal(visible.length, 1, `visible result toasts: ${visible.join(' | ')}`);
      const all = (await notificationCenter(ctx)).filter((t) => /^Parity(: all \d+| \d+\/\d+) passed/m.test(t));
      assert.equal(all.length, 1, `result notifications in the list: ${all.join(' | ')}`);
      assert.ok(all[0]!.includes(stamp2), `the one left is not the newest run's: ${all[0]}`);
      await shot('one-result-notice');
      log(`one result notification: ${all[0]!.replace(/\s+/g, ' ').slice(0, 100)}`);
    });
    await clearNotifications(page);
    await step('Copy metrics as Markdown → a notification says it was copied', async () => {
      await view.getByTestId('btn-copy-md').click();
      const t = await pollUntil('the copy confirmation', async () => (await toastTexts(ctx, /copied to the clipboard as a Markdown table/))[0], 20_000, 300);
      log(t.replace(/\s+/g, ' '));
    });
    await step('Export PNG → a notification names the file, with Open and Reveal in Explorer', async () => {
      await view.getByTestId('btn-export-png').click();
      const target = join(workspace, 'exported.png');
      await saveDialogAccept(page, target);
      await pollUntil('the exported file', async () => existsSync(target), 15_000);
      const toast: Locator = page.locator(TOASTS).filter({ hasText: 'Exported PNG' }).first();
      await toast.waitFor({ state: 'visible', timeout: 15_000 });
      assert.match(await toast.innerText(), /exported\.png/);
      await shot('export-confirmation');
      await toast.locator('.monaco-button').filter({ hasText: 'Reveal in Explorer' }).click();
      await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'exported.png' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      log((await page.locator('.explorer-folders-view .monaco-list-row.selected, .explorer-folders-view .monaco-list-row.focused').allInnerTexts()).join(' ').slice(0, 60));
    });
  },
};

// ---- (c) Explorer context menu ----------------------------------------------------------------------------------

/** Right-clicks an Explorer row and returns the context menu's item labels (then closes the menu). */
async function menuOf(ctx: ScenarioContext, row: Locator): Promise<string[]> {
  await row.click({ button: 'right' });
  const menu = ctx.page.locator('.context-view .monaco-menu, .monaco-menu-container').first();
  await menu.waitFor({ state: 'visible', timeout: 10_000 });
  await sleep(300);
  const labels = (await menu.locator('.action-label').allInnerTexts()).map((l) => l.trim()).filter(Boolean);
  await ctx.page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  return labels;
}

function explorerRow(ctx: ScenarioContext, name: string): Locator {
  return ctx.page.locator('.explorer-folders-view .monaco-list-row').filter({ has: ctx.page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[.]/g, '\\.')}$`) }) }).first();
}

export const explorerMenu: Scenario = {
  name: 'x-explorer-menu',
  title: 'Explorer: "Open parity results" on a bundle folder and its metrics.json, not on an ordinary folder',
  // One row per folder: a compact "phase_e / STAMP" row would make "which folder was right-clicked" ambiguous.
  prepare(ws) { mergeWorkspaceSettings(ws, { ...EMBEDDED_BOTH, 'explorer.compactFolders': false }); },
  async run(ctx) {
    const { page, step, shot, log } = ctx;
    const { bundle, view } = await runSeedAndWait(ctx);
    const stamp = basename(bundle);
    await clearNotifications(page);
    await step('reveal the bundle in the Explorer', async () => {
      await view.getByTestId('btn-open-folder').click();
      await explorerRow(ctx, stamp).waitFor({ state: 'visible', timeout: 15_000 });
    });
    await step('the bundle folder has the item', async () => {
      const row = explorerRow(ctx, stamp);
      await row.click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-label').filter({ hasText: 'Open parity results' }).first();
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await shot('explorer-menu-bundle');
      await page.keyboard.press('Escape');
    });
    await step('its metrics.json has the item, and it opens that bundle', async () => {
      const folder = explorerRow(ctx, stamp);
      if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
      const metrics = explorerRow(ctx, 'metrics.json');
      await metrics.waitFor({ state: 'visible', timeout: 10_000 });
      // Close the run's panel first, so the tab that appears is the menu item's doing.
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.tabs-container .tab').filter({ hasText: stamp }).first().waitFor({ state: 'hidden', timeout: 10_000 });
      await metrics.click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-label').filter({ hasText: 'Open parity results' }).first();
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await item.click();
      const tab = page.locator('.tabs-container .tab').filter({ hasText: stamp }).first();
      if (!(await tab.waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false))) {
        // A monaco menu can swallow a click made while it lays itself out (seen once in CI: the item highlighted, the
        // menu still open): the check is what the item does, so it is chosen again with the keyboard.
        if (await item.isVisible()) {
          log('the click on "Open parity results" was lost (the menu is still open): choosing it with Enter');
          await item.hover();
          await page.keyboard.press('Enter');
        }
        await tab.waitFor({ state: 'visible', timeout: 30_000 });
      }
    });
    await step('ordinary folders (the bundle’s parent, docs/) do not', async () => {
      for (const name of [basename(dirname(bundle)), 'docs']) {
        const labels = await menuOf(ctx, explorerRow(ctx, name));
        assert.ok(labels.length > 3, `the context menu of ${name} did not open: ${labels.join(', ')}`);
        assert.ok(!labels.includes('Open parity results'), `"Open parity results" on the ordinary folder ${name}`);
        log(`${name}: ${labels.length} items, no "Open parity results"`);
      }
    });
  },
};

export const UX_CHECKS = [walkthroughRemote, notices, explorerMenu];
