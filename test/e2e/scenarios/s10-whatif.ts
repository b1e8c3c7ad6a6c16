// Scenario 10 (issue 16, what-if from the panel): run the seed on the demo workspace, then TC-D3's first suggested
// fix ("-N 1": the config diff's N 1×1×1 vs 5×5×5 and the preflight's missing -N) → "Run with this fix" → a NEW
// bundle marked as a what-if exists, the compare view of original ↔ what-if opens beside with the candidate MOVED,
// and that bundle's Record button is disabled with the reason (fix_plan.md untouched). Real code-server + Chromium;
// both sides on the embedded engine (no C/PyTorch in CI).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import type { FrameLocator, Page } from '../pw.ts';
import { clearNotifications, pollUntil } from '../workbench.ts';
import { listBundleDirs, runSeedAndWait, waitForNewBundle } from './common.ts';
import { frameWith } from './s9-compare-history.ts';

const ID = 'TC-D3';
const CAND = `candidate-AB:${ID}`, REF = `reference-AB:${ID}`;

/** The webview frame whose notice says it shows a what-if bundle. */
async function whatIfPanel(page: Page, timeoutMs: number): Promise<FrameLocator> {
  return pollUntil('the what-if bundle in its own panel', async () => {
    const n = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < n; i++) {
      const f = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
      const notice = f.getByTestId('notice');
      if (await notice.count() && /What-if run/.test(await notice.innerText().catch(() => ''))) return f;
    }
    return undefined;
  }, timeoutMs, 500);
}

export const whatIfFromPanel: Scenario = {
  name: '10-whatif',
  title: 'TC-D3 "Run with this fix" → what-if bundle marked, compare view with MOVED candidate, Record refused',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, shot, log, workspace } = ctx;
    const fixPlan = join(workspace, 'docs', 'fix_plan.md');
    const planBefore = readFileSync(fixPlan, 'utf8');
    const { bundle: original, view } = await runSeedAndWait(ctx);

    const flags = await step('TC-D3 lists the diagnosis\' suggestions; the first is -N 1 (config diff + preflight)', async () => {
      const first = view.getByTestId(`suggestion-${ID}-0`);
      await first.waitFor({ state: 'visible', timeout: 30_000 });
      const f = await view.getByTestId(`btn-whatif-${ID}-0`).getAttribute('data-flags');
      assert.equal(f, '-N 1');
      assert.match(await first.getAttribute('data-from') ?? '', /config-diff/);
      log(`suggestions: ${(await view.getByTestId(`suggestions-${ID}`).locator('li code').allInnerTexts()).join(' | ')}`);
      return f;
    });

    const before = listBundleDirs(workspace);
    const whatIfDir = await step('"Run with this fix" writes a new bundle marked as a what-if', async () => {
      await view.getByTestId(`btn-whatif-${ID}-0`).click();
      const dir = await waitForNewBundle(workspace, before, 180_000);
      const json = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8')) as { whatIf?: { flags: string[]; of: string[] }; cases: { caseId: string; verdict: { status: string } }[] };
      assert.deepEqual(json.whatIf?.flags, flags!.split(' '));
      assert.deepEqual(json.whatIf?.of, [ID]);
      assert.deepEqual(json.cases.map((c) => c.caseId), [`${ID}~whatif`]);
      log(`what-if bundle ${basename(dir)}: ${json.cases[0].caseId} ${json.cases[0].verdict.status}`);
      return dir;
    });

    await step('the compare view opens: original ↔ what-if, candidate MOVED', async () => {
      const f = await frameWith(page, 'compare-header', 90_000);
      assert.match(await f.getByTestId('compare-a').innerText(), new RegExp(`original ${basename(original)}`));
      assert.match(await f.getByTestId('compare-b').innerText(), new RegExp(`what-if ${basename(whatIfDir)}`));
      await f.getByTestId(`case-${CAND}`).waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await f.getByTestId(`verdict-${CAND}`).innerText(), 'MOVED', 'the candidate (PyTorch preset, default N=5) changed with -N 1');
      log(`judgement: ${await f.getByTestId('compare-judgement').innerText()}; reference: ${await f.getByTestId(`verdict-${REF}`).innerText()}; ${await f.getByTestId('compare-moved').innerText()}`);
      assert.match(await f.getByTestId('compare-judgement').innerText(), /fail → pass/);
      await clearNotifications(page).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 800));
      await shot('whatif-compare');
      await f.getByTestId('compare-open-b').click();
    });

    await step('the what-if bundle\'s panel: Record disabled with the reason, no suggestions; fix_plan.md untouched', async () => {
      const w = await whatIfPanel(page, 60_000);
      const rec = w.getByTestId('btn-record');
      await rec.waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await rec.isDisabled(), true);
      assert.match(await rec.getAttribute('title') ?? '', /never recorded as the case itself/);
      assert.equal(await w.getByTestId(`suggestions-${ID}~whatif`).count(), 0);
      assert.equal(readFileSync(fixPlan, 'utf8'), planBefore, 'docs/fix_plan.md changed');
      await shot('whatif-bundle');
    });
  },
};
