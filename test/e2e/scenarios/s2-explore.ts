// Scenario 2: hovering an image shows both pixel values, reference and candidate share one colour range (and each
// gets its own when "same range" is unticked), the log-scale toggle redraws the canvases, a chart is rendered, and
// the webview console has no Content-Security-Policy error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import { pollUntil } from '../workbench.ts';
import { runSeedAndWait, sampleCanvas } from './common.ts';

const FPIXELS = 256; // TC-D1 is 256×256

function readFloat(file: string, index: number): number {
  const buf = readFileSync(file);
  assert.ok(index >= 0 && (index + 1) * 4 <= buf.length, `pixel ${index} outside ${file}`);
  return buf.readFloatLE(index * 4);
}

/** The readout prints a few significant digits: equal to 1e-3 relative (or 1e-6 absolute near zero). */
function assertClose(shown: number, actual: number, what: string): void {
  assert.ok(Number.isFinite(shown), `${what}: the readout shows no number`);
  const ok = Math.abs(shown - actual) <= Math.max(1e-3 * Math.abs(actual), 1e-6);
  assert.ok(ok, `${what}: readout ${shown}, bundle image ${actual}`);
}

const CSP_PROBLEM = /Content Security Policy|Refused to (execute|load|apply|evaluate)|EvalError|unsafe-eval/i;

export const explore: Scenario = {
  name: '2-explore',
  title: 'hover readout, log-scale toggle, chart, no CSP error',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, shot, log } = ctx;
    const { view, bundle } = await runSeedAndWait(ctx);
    const id = 'TC-D1';
    const canvas = view.getByTestId(`canvas-reference-${id}`);

    await step('hover shows the reference and candidate pixel values of the bundle', async () => {
      await canvas.scrollIntoViewIfNeeded();
      const box = await canvas.boundingBox();
      assert.ok(box, 'reference canvas has no box');
      const readout = view.getByTestId('hover-readout');
      const idleText = (await readout.innerText()).trim();
      const seen: string[] = [];
      // Two different points: the readout must follow the mouse, and its values must be the bundle's pixels.
      for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.62]]) {
        await canvas.hover({ position: { x: box.width * fx, y: box.height * fy } });
        const text = await pollUntil('the hover readout to show a pixel', async () => {
          const t = (await readout.innerText()).trim();
          return t !== idleText && !seen.includes(t) && /reference/.test(t) ? t : undefined;
        }, 10_000);
        seen.push(text);
        const slow = Number(await readout.getAttribute('data-slow'));
        const fast = Number(await readout.getAttribute('data-fast'));
        const ref = /reference\s+(\S+)/.exec(text)?.[1];
        const cand = /candidate\s+(\S+)/.exec(text)?.[1];
        assert.ok(ref !== undefined && cand !== undefined, `readout "${text}" should show both the reference and the candidate value`);
        const img = (prefix: string) => readFloat(join(bundle, `${prefix}_tc_d1.bin`), slow * FPIXELS + fast);
        assertClose(Number(ref), img('emb_ref'), `reference value at (slow ${slow}, fast ${fast})`);
        assertClose(Number(cand), img('emb_cand'), `candidate value at (slow ${slow}, fast ${fast})`);
        log(`readout: ${text}`);
      }
      await shot('hover');
    });

    await step('shared colour range: reference and candidate legends agree by default, each its own when unticked', async () => {
      // TC-D3: the C-preset reference (N=1) is ~10⁴× dimmer than the candidate (N=5), so separate ranges must differ.
      const ends = async () => {
        const out: string[] = [];
        for (const k of ['reference', 'candidate']) {
          const legend = view.getByTestId('case-TC-D3').locator(`.panel-${k} .legend`);
          out.push(`${await legend.locator('.legend-lo').innerText()}…${await legend.locator('.legend-hi').innerText()}`);
        }
        return out;
      };
      const box = view.getByTestId('shared-range');
      assert.equal(await box.evaluate((el: Element) => (el as HTMLInputElement).checked), true, '"same range" is on by default');
      const shared = await pollUntil('both legends to show one range', async () => { const e = await ends(); return e[0] === e[1] ? e : undefined; }, 10_000);
      await box.click();
      const own = await pollUntil('each legend to show its own range', async () => { const e = await ends(); return e[0] !== e[1] ? e : undefined; }, 10_000);
      log(`same range: ${shared[0]}; unticked: reference ${own[0]}, candidate ${own[1]}`);
      await box.click();
      await pollUntil('one range again', async () => { const e = await ends(); return e[0] === e[1] || undefined; }, 10_000);
    });

    await step('log-scale toggle changes the canvas pixels', async () => {
      const before = await sampleCanvas(canvas);
      await view.getByTestId('scale-toggle').click();
      const after = await pollUntil('the canvas to be redrawn', async () => {
        const s = await sampleCanvas(canvas);
        return s.hash !== before.hash ? s : undefined;
      }, 10_000);
      assert.ok(after.distinct >= 3, 'log-scaled canvas looks blank');
      log(`canvas hash ${before.hash} → ${after.hash} (${before.distinct} → ${after.distinct} colours)`);
      await shot('log-scale');
    });

    await step('a chart is rendered', async () => {
      const charts = view.locator('[data-testid^="chart-"]');
      await charts.first().waitFor({ state: 'attached', timeout: 20_000 });
      const rendered = await pollUntil('an SVG or canvas with size inside a chart-*', async () => {
        const n = await charts.count();
        for (let i = 0; i < n; i++) {
          const size = await charts.nth(i).evaluate((el: Element) => {
            const g = el.querySelector('svg, canvas');
            if (!g) return 0;
            const r = g.getBoundingClientRect();
            const marks = el.querySelectorAll('svg path, svg rect, svg line, svg circle').length;
            return g.tagName.toLowerCase() === 'svg' ? (marks > 0 ? r.width * r.height : 0) : r.width * r.height;
          });
          if (size > 100) return (await charts.nth(i).getAttribute('data-testid')) ?? `chart #${i}`;
        }
        return undefined;
      }, 20_000);
      log(`chart rendered: ${rendered}`);
      await charts.first().scrollIntoViewIfNeeded();
      await shot('chart');
    });

    await step('no CSP error in the console', async () => {
      const bad = ctx.console.filter((m) => CSP_PROBLEM.test(m.text));
      assert.equal(bad.length, 0, `CSP problems in the console:\n${bad.map((m) => `[${m.type}] ${m.text} (${m.url})`).join('\n')}`);
      log(`${ctx.console.length} console messages seen, none about CSP`);
    });

    await step('the CSP check can fail: a script the CSP blocks is reported', async () => {
      // The console listener must see the webview's frame and the browser's CSP reports, or the check above proves
      // nothing. An inline <script> without the nonce is what the webview's script-src forbids.
      const seenBefore = ctx.console.length;
      const ran = await view.locator('body').evaluate(async () => {
        const s = document.createElement('script');
        s.textContent = 'window.__nbE2eInline = true;';
        document.body.append(s);
        await new Promise((r) => setTimeout(r, 100));
        return (window as unknown as { __nbE2eInline?: boolean }).__nbE2eInline === true;
      });
      assert.equal(ran, false, 'an inline script without the nonce ran: the webview CSP does not restrict scripts');
      await pollUntil('the CSP report of that script in the console', async () =>
        ctx.console.slice(seenBefore).some((m) => CSP_PROBLEM.test(m.text)) || undefined, 5000);
    });
    void page;
  },
};
