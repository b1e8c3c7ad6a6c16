// Scenario 9 (issue 16): two runs of the seed, then in the results panel the history of TC-D3 lists both bundles
// (newest first, with a rendered chart), "Compare with previous" opens ONE linked compare panel (A, B and the Δ
// between bundles; zoom on one case moves the others; one colour range), a Shift+drag shows ROI metrics, and
// the peak markers toggle on. Real code-server + Chromium; both sides on the embedded engine (no C/PyTorch in CI).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import type { FrameLocator, Page } from '../pw.ts';
import { clearNotifications, pollUntil, runCommand, webview } from '../workbench.ts';
import { runSeedAndWait, sampleCanvas } from './common.ts';
import { installFocusTrace, takeFocusTrace } from '../focusTrace.ts';

const ID = 'TC-D3';
const A = `A:${ID}`, B = `B:${ID}`, CAND = `candidate-AB:${ID}`, REF = `reference-AB:${ID}`;

/** The webview frame whose document has `testid` (several panels are open side by side). */
export async function frameWith(page: Page, testid: string, timeoutMs: number): Promise<FrameLocator> {
  return pollUntil(`a webview with ${testid}`, async () => {
    const n = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < n; i++) {
      const f = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
      if (await f.getByTestId(testid).count()) return f;
    }
    return undefined;
  }, timeoutMs, 500);
}

export const compareHistory: Scenario = {
  name: '9-compare-history',
  title: 'history view lists the bundles of a case; compare with previous opens linked; ROI drag shows metrics',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, shot, log } = ctx;
    const first = (await runSeedAndWait(ctx)).bundle;
    const { bundle: second } = await runSeedAndWait(ctx);
    const view = webview(page);

    await installFocusTrace(page);
    await step('palette "Show case history…" opens the history view of TC-D3 in the results panel', async () => {
      try { await showHistoryPick(); } catch (e) {
        for (const l of await takeFocusTrace(page).catch(() => [])) log(`focus: ${l}`);
        throw e;
      }
    });
    async function showHistoryPick(): Promise<void> {
      await runCommand(page, 'Show case history…');
      const input = page.locator('.quick-input-widget input');
      await pollUntil('the case quick pick', async () => (await input.getAttribute('placeholder')) === 'Case whose history to show' || undefined, 10_000);
      await input.fill(ID);
      await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: ID }).first().click();
      await view.getByTestId(`history-${ID}`).waitFor({ state: 'visible', timeout: 30_000 });
    }

    await step('History lists every bundle that ran TC-D3, newest first, with a chart over time', async () => {
      await view.getByTestId(`btn-history-${ID}`).click();
      const section = view.getByTestId(`history-${ID}`);
      await section.waitFor({ state: 'visible', timeout: 30_000 });
      const dirs = await section.locator('tr.history-row').evaluateAll((rows: Element[]) => rows.map((r) => r.getAttribute('data-bundle') ?? ''));
      const stamps = dirs.map((d) => basename(d));
      log(`history rows: ${stamps.join(', ')}`);
      assert.ok(stamps.length >= 2, `expected both runs in the history, got ${stamps.length} row(s)`);
      assert.deepEqual(stamps.slice(0, 2), [basename(second), basename(first)], 'the two new bundles first, newest first');
      assert.deepEqual([...stamps].sort().reverse(), stamps, 'rows sorted newest first');
      const chart = view.getByTestId(`history-chart-${ID}`);
      await pollUntil('the history chart to render marks', async () =>
        (await chart.getAttribute('data-state')) === 'rendered' && (await chart.locator('svg path, svg circle, svg symbol').count()) > 0 || undefined, 20_000);
      await section.scrollIntoViewIfNeeded();
      await clearNotifications(page).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 800)); // let the palette fade out
      await shot('history');
    });

    const cmp = await step('Compare with previous opens one linked compare panel of the two bundles', async () => {
      await view.getByTestId(`btn-compare-prev-${ID}`).click();
      const f = await frameWith(page, 'compare-header', 60_000);
      assert.match(await f.getByTestId('compare-a').innerText(), new RegExp(basename(first)));
      assert.match(await f.getByTestId('compare-b').innerText(), new RegExp(basename(second)));
      for (const id of [A, B, CAND, REF]) await f.getByTestId(`case-${id}`).waitFor({ state: 'visible', timeout: 30_000 });
      // The badge must agree with the bundles' own candidate files: SAME only when they are byte-identical.
      const same = readFileSync(join(first, 'emb_cand_tc_d3.bin')).equals(readFileSync(join(second, 'emb_cand_tc_d3.bin')));
      assert.equal(await f.getByTestId(`verdict-${CAND}`).innerText(), same ? 'SAME' : 'MOVED');
      assert.match(await f.getByTestId(`caption-diff-${CAND}`).innerText(), /Δ between bundles = B − A/);
      log(`judgement: ${await f.getByTestId('compare-judgement').innerText()}; candidate files identical: ${same}`);
      return f;
    });

    await step('zoom on A moves B and the Δ-between-bundles images too (linked)', async () => {
      const other = cmp.getByTestId(`canvas-candidate-${B}`), delta = cmp.getByTestId(`canvas-diff-${CAND}`);
      await pollUntil('B and Δ images drawn', async () => (await sampleCanvas(other)).nonTransparent > 0 && (await sampleCanvas(delta)).nonTransparent > 0 || undefined, 30_000);
      const before = [(await sampleCanvas(other)).hash, (await sampleCanvas(delta)).hash];
      await cmp.getByRole('button', { name: `Zoom in on ${A}`, exact: true }).click();
      await cmp.getByRole('button', { name: `Zoom in on ${A}`, exact: true }).click();
      await pollUntil('the other cases to follow the zoom', async () =>
        (await sampleCanvas(other)).hash !== before[0] && (await sampleCanvas(delta)).hash !== before[1] || undefined, 10_000);
    });

    await step('one colour range: every reference/candidate legend of A, B and A→B shows the same ends', async () => {
      const ends = async () => {
        const out: string[] = [];
        for (const id of [A, B, CAND, REF]) for (const k of ['reference', 'candidate']) {
          const panel = cmp.getByTestId(`case-${id}`).locator(`.panel-${k} .legend`);
          out.push(`${await panel.locator('.legend-lo').innerText()}…${await panel.locator('.legend-hi').innerText()}`);
        }
        return out;
      };
      const shown = await pollUntil('legends to agree', async () => { const e = await ends(); return e.every((x) => x === e[0]) ? e : undefined; }, 20_000);
      log(`shared range ${shown[0]}`);
    });

    await step('Shift+drag on an image shows the ROI metrics next to the full frame', async () => {
      await cmp.getByRole('button', { name: `Fit ${A} images`, exact: true }).click();
      const canvas = cmp.getByTestId(`canvas-reference-${A}`);
      await canvas.scrollIntoViewIfNeeded();
      const box = await canvas.boundingBox();
      assert.ok(box, 'no box for the A reference canvas');
      await page.keyboard.down('Shift');
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.7, { steps: 8 });
      await page.mouse.up();
      await page.keyboard.up('Shift');
      const readout = cmp.getByTestId(`case-${A}`).locator('.roi-readout');
      await readout.waitFor({ state: 'visible', timeout: 10_000 });
      const text = await readout.innerText();
      assert.match(text, /--roi \d+,\d+,\d+,\d+/);
      assert.match(text, /full frame/);
      log(`ROI: ${text.split('\n')[0]} (computed in ${await readout.getAttribute('data-ms')} ms)`);
      // One table for every row (A, B and the two between-bundle rows), the region boxed on each of them.
      const table = cmp.getByTestId('compare-roi');
      await table.waitFor({ state: 'visible', timeout: 10_000 });
      for (const id of [A, B, CAND, REF]) {
        await pollUntil(`the ROI row of ${id}`, async () => (await table.getByTestId(`compare-roi-row-${id}`).getAttribute('data-ready')) === 'true' || undefined, 20_000);
        assert.ok(await cmp.getByTestId(`case-${id}`).locator('.roi-box').count() > 0, `no ROI box on ${id}`);
      }
      assert.match(await table.locator('.roi-title').innerText(), /--roi \d+,\d+,\d+,\d+\) on every row/);
    });

    await step('peak markers toggle on, matched and unmatched counted', async () => {
      await cmp.getByTestId('peaks-toggle').click();
      const line = cmp.getByTestId(`peaks-${A}`);
      await line.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await line.innerText(), /Peaks: \d+\/\d+ matched/);
      assert.equal(await cmp.getByTestId('peaks-toggle').getAttribute('aria-pressed'), 'true');
      await cmp.getByTestId('compare-header').scrollIntoViewIfNeeded();
      // The run's notification toast would cover the panel in the screenshot the docs use.
      await clearNotifications(page).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 800)); // let the palette fade out
      await shot('compare-linked');
      log(await line.innerText());
    });

    await step('Developer: Reload Window → the compare view comes back as a compare view', async () => {
      await runCommand(page, 'Developer: Reload Window');
      await new Promise((r) => setTimeout(r, 3000));
      const f = await frameWith(page, 'compare-header', 60_000);
      assert.match(await f.getByTestId('compare-a').innerText(), new RegExp(basename(first)));
      await f.getByTestId(`case-${CAND}`).waitFor({ state: 'visible', timeout: 30_000 });
    });
  },
};
