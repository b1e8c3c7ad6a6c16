// Scenario 4: the Test Explorer lists the seed cases; running TC-D3 from the testing view marks the item passed
// or failed, and the result carries the metrics message.
import assert from 'node:assert/strict';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import type { Locator, Page } from '../pw.ts';
import { pollUntil, runCommand } from '../workbench.ts';
import { listBundleDirs, bundleMetrics, waitForNewBundle } from './common.ts';

const CASE = { id: 'TC-D3', stem: 'tc_d3' };

async function testRow(page: Page, label: string): Promise<Locator> {
  const tree = page.locator('.test-explorer .monaco-list');
  let seen: string[] = [];
  try {
    return await pollUntil(`the "${label}" item in the Test Explorer`, async () => {
      const rows = tree.locator('.monaco-list-row');
      const info = await rows.evaluateAll((els: Element[]) => els.map((e) => ({
        // <div class="label">TC-D3<span class="test-label-description">built-in (seed)</span></div>
        name: (e.querySelector('.testing-stdtree-container .label')?.firstChild?.textContent ?? '').trim(),
        aria: e.getAttribute('aria-label') ?? '',
      })));
      seen = info.map((r) => `${r.name} | ${r.aria}`);
      // Exact label: other items' descriptions may mention the case id.
      const i = info.findIndex((r) => r.name === label);
      if (i >= 0) return rows.nth(i);
      // Expand collapsed parents (controller root, groups) until the case shows.
      const collapsed = tree.locator('.monaco-list-row[aria-expanded="false"]');
      if (await collapsed.count()) await collapsed.first().locator('.monaco-tl-twistie').click();
      return undefined;
    }, 60_000, 500);
  } catch (e) {
    throw new Error(`${(e as Error).message}; rows seen: ${JSON.stringify(seen)}`);
  }
}

/** The state VS Code shows on a test row: passed / failed / errored / running / unset. */
async function rowState(row: Locator): Promise<string> {
  return row.evaluate((el: Element) => {
    const icon = el.querySelector('[class*="testing-"][class*="-icon"]');
    const m = icon ? /testing-(\w+)-icon/.exec(icon.className) : null;
    return m ? m[1] : 'none';
  });
}

export const testExplorer: Scenario = {
  name: '4-test-explorer',
  title: 'Test Explorer: run TC-D3, item passed/failed with the metrics message',
  prepare(ws) {
    mergeWorkspaceSettings(ws, { ...EMBEDDED_BOTH, 'testing.automaticallyOpenPeekView': 'never', 'testing.openTesting': 'neverOpen' });
  },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    await step('open the Testing view', async () => {
      await runCommand(page, 'Testing: Focus on Test Explorer View');
      await page.locator('.test-explorer').waitFor({ state: 'visible', timeout: 30_000 });
    });
    const row = await step(`find ${CASE.id} in the Test Explorer`, async () => {
      const r = await testRow(page, CASE.id);
      await shot('test-explorer');
      return r;
    });
    const before = listBundleDirs(workspace);
    await step(`run ${CASE.id} from its row`, async () => {
      await row.hover();
      await row.locator('.action-label[class*="testing-run-icon"], .action-label[aria-label^="Run Test"]').first().click();
    });
    const state = await step('the item shows passed or failed', async () => {
      const s = await pollUntil('a final state on the row', async () => {
        const st = await rowState(await testRow(page, CASE.id));
        return ['passed', 'failed'].includes(st) ? st : st === 'errored' ? `errored` : undefined;
      }, 120_000, 500);
      assert.notEqual(s, 'errored', `${CASE.id} errored in the Test Explorer`);
      await shot(`test-${s}`);
      return s;
    });
    const bundle = await step('the run wrote a bundle', () => waitForNewBundle(workspace, before, 30_000));
    const m = bundleMetrics(bundle, CASE.id, CASE.stem);
    const pass = m.correlation !== null && m.sumRatio !== null && m.correlation >= 0.999 && Math.abs(m.sumRatio - 1) <= 1e-3;
    await step('the state agrees with the bundle metrics', async () => {
      assert.equal(state, pass ? 'passed' : 'failed', `row ${state} but metrics.json says corr ${m.correlation}, sum ratio ${m.sumRatio}`);
    });
    await step('the result shows the metrics message', async () => {
      await runCommand(page, 'Test Results: Focus on Test Results View').catch(async () => {
        await runCommand(page, 'Testing: Show Output');
      });
      const results = page.locator('.test-results-tree, .pane-body .test-output-peek-tree').first();
      await results.waitFor({ state: 'visible', timeout: 20_000 });
      // Expand the run to the case's message and select it; the message pane renders the Markdown.
      // The bundle's correlation, as printed to 6 decimals or 6 significant digits.
      const corrTexts = m.correlation === null ? ['correlation'] : [m.correlation.toFixed(6), String(Number(m.correlation.toPrecision(6)))];
      const text = await pollUntil('the metrics message in Test Results', async () => {
        const collapsed = results.locator('.monaco-list-row[aria-expanded="false"]');
        if (await collapsed.count()) await collapsed.first().locator('.monaco-tl-twistie').click();
        const msgRow = results.locator('.monaco-list-row').filter({ hasText: /correlation|corr/i }).first();
        if (await msgRow.count()) await msgRow.click();
        const body = (await page.locator('.part.panel').innerText()).replace(/\s+/g, ' ');
        return /correlation/i.test(body) && corrTexts.some((t) => body.includes(t)) ? body : undefined;
      }, 30_000, 700);
      log(`message: ${text.slice(0, 300)}`);
      await shot('test-message');
    });
  },
};
