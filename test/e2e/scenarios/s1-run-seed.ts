// Scenario 1: F1 → "Run TC-D1/TC-D3 parity" (both sides on the embedded engine) → the webview shows both cases with
// drawn images, the bundle's exact correlation and sum ratio, the verdict and the config mismatches; the bundle on
// disk has the seed's file names.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import { clearNotifications, runCommand } from '../workbench.ts';
import { bundleMetrics, fileNames, runSeedAndWait, sampleCanvas, SEED_CASES } from './common.ts';

/** The seed's fixed bundle files (formats.md §6; pytest logs are not part of a parity run). */
const SEED_FILES = ['commands.txt', 'metrics.json', 'correlation.txt', 'sum_ratio.txt', 'env.json', 'simulator_diagnostics.txt'];

export const runSeed: Scenario = {
  name: '1-run-seed',
  title: 'F1 → Run TC-D1/TC-D3 parity → webview numbers equal the bundle',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, shot, log } = ctx;
    await step('workbench screenshot', () => shot('workbench'));
    const { bundle, view } = await runSeedAndWait(ctx);
    log(`bundle: ${bundle}`);

    await step('panel title names the bundle stamp', async () => {
      const stamp = bundle.split('/').pop()!;
      const tab = page.locator('.tabs-container .tab').filter({ hasText: 'nanoBragg Parity' }).first();
      await tab.waitFor({ state: 'visible', timeout: 20_000 });
      const label = (await tab.getAttribute('aria-label')) ?? (await tab.innerText());
      assert.ok(label.includes(stamp), `panel tab "${label}" should contain the stamp ${stamp}`);
    });

    for (const c of SEED_CASES) {
      await step(`${c.id}: canvases are drawn (pixels not blank)`, async () => {
        for (const kind of ['reference', 'candidate', 'diff']) {
          const canvas = view.getByTestId(`canvas-${kind}-${c.id}`);
          await canvas.scrollIntoViewIfNeeded();
          const s = await sampleCanvas(canvas);
          assert.ok(s.width > 0 && s.height > 0, `canvas-${kind}-${c.id} has no size`);
          // A Bragg pattern has many colours; an undrawn or cleared canvas has one.
          assert.ok(s.distinct >= 3, `canvas-${kind}-${c.id} looks blank: ${s.distinct} distinct colour(s), ${s.nonTransparent} opaque pixels`);
        }
      });
      await step(`${c.id}: correlation and sum ratio equal metrics.json`, async () => {
        const m = bundleMetrics(bundle, c.id, c.stem);
        const corr = await view.getByTestId(`metric-correlation-${c.id}`).getAttribute('data-value');
        const ratio = await view.getByTestId(`metric-sumRatio-${c.id}`).getAttribute('data-value');
        assert.ok(corr !== null && ratio !== null, 'metric elements need a data-value attribute');
        assert.equal(Number(corr), m.correlation, `${c.id} correlation: webview ${corr} vs metrics.json ${m.correlation}`);
        assert.equal(Number(ratio), m.sumRatio, `${c.id} sum ratio: webview ${ratio} vs metrics.json ${m.sumRatio}`);
        log(`${c.id}: correlation ${corr}, sum ratio ${ratio}`);
      });
      await step(`${c.id}: verdict equals the bundle's`, async () => {
        const m = bundleMetrics(bundle, c.id, c.stem);
        const raw = m.raw as { verdict?: string; thresholds?: Record<string, number> };
        const el = view.getByTestId(`verdict-${c.id}`);
        const text = (await el.innerText()).trim();
        const status = (await el.getAttribute('data-status')) ?? text;
        assert.ok(raw.verdict, `metrics.json has no verdict for ${c.stem}`);
        assert.match(status, new RegExp(`^${raw.verdict}$|\\b${raw.verdict}`, 'i'), `${c.id} verdict "${text}" (status ${status}) but metrics.json says ${raw.verdict}`);
        // The bundle's verdict itself must follow the seed's thresholds (corr ≥ 0.999, |ratio − 1| ≤ 1e-3).
        const pass = m.correlation !== null && m.sumRatio !== null && m.correlation >= 0.999 && Math.abs(m.sumRatio - 1) <= 1e-3;
        assert.equal(raw.verdict, pass ? 'pass' : 'fail', `metrics.json verdict ${raw.verdict} disagrees with its own numbers`);
        log(`${c.id}: verdict ${status}`);
      });
      await step(`${c.id}: config mismatches equal the bundle's`, async () => {
        const raw = bundleMetrics(bundle, c.id, c.stem).raw as { mismatches?: { field: string; severity: string }[] };
        const el = view.getByTestId(`mismatches-${c.id}`);
        await el.scrollIntoViewIfNeeded();
        const text = (await el.innerText()).trim();
        assert.ok(text.length > 0, `mismatches-${c.id} is empty (it should list mismatches or say there are none)`);
        const expected = raw.mismatches ?? [];
        for (const mm of expected) {
          assert.ok(text.includes(mm.field), `mismatches-${c.id} does not show "${mm.field}" (bundle lists ${expected.map((e) => e.field).join(', ')}); shown: ${text.slice(0, 300)}`);
        }
        log(`${c.id}: ${expected.length} mismatch(es) in the bundle, all shown${expected.length ? `: ${expected.map((e) => `${e.field} (${e.severity})`).join(', ')}` : ''}`);
      });
    }
    await step('webview screenshot', async () => {
      // Clear the result toast and scroll the webview to its top: this picture goes into the README.
      await clearNotifications(page);
      await runCommand(page, 'View: Close Primary Side Bar');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
      await view.locator('body').evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(500); // the palette fades out and the webview re-lays out
      await shot('webview');
    });

    await step('bundle has the seed file names', async () => {
      const names = fileNames(bundle);
      for (const f of SEED_FILES) assert.ok(names.includes(f), `${f} missing from ${bundle} (has: ${names.join(', ')})`);
      for (const c of SEED_CASES) {
        const bins = names.filter((n) => n.endsWith(`_${c.stem}.bin`));
        const logs = names.filter((n) => n.endsWith(`_stdout_${c.stem}.log`));
        assert.ok(bins.length >= 2, `${c.stem}: expected a reference and a candidate <prefix>_${c.stem}.bin, found ${bins.join(', ') || 'none'}`);
        assert.ok(logs.length >= 2, `${c.stem}: expected two <prefix>_stdout_${c.stem}.log, found ${logs.join(', ') || 'none'}`);
      }
      assert.ok(existsSync(join(bundle, 'commands.txt')));
    });
  },
};
