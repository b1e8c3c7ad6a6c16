// Scenario 7 (issue 15, speed): a 1024² case from the palette → how long after the bundle is complete (the run
// writing complete.json) the results panel's first image is on screen (the webview stamps Date.now() on <body> after
// the frame that drew it; same machine, same clock). The delay is printed, not asserted (shared machine); the painted
// image must be visible and not blank. Also printed, where the time went: code-server's webview frames appearing, the
// webview's own marks (navigation, script loaded/evaluated, ready, snapshot, image received/decoded/drawn, on screen;
// <body data-first-paint-marks>) and the host's log line with its steps (panel created, load, ready, posts).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario } from '../harness.ts';
import { pollUntil, runCommand, webview } from '../workbench.ts';
import { listBundleDirs, sampleCanvas, TITLE_RUN_CASE, waitForNewBundle } from './common.ts';

/** The extension's "results panel first paint: …" log line (its own breakdown), once the host has written it. */
function hostPaintLine(userDataDir: string): string | undefined {
  const logs = join(userDataDir, 'logs');
  for (const stamp of existsSync(logs) ? readdirSync(logs) : []) {
    const file = join(logs, stamp, 'exthost1', 'nanobragg-parity.nanobragg-parity', 'nanoBragg Parity.log');
    if (!existsSync(file)) continue;
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('results panel first paint:'));
    if (line) return line.replace(/^.*?results panel first paint: /, '');
  }
  return undefined;
}

/** "name +ms" relative to the bundle's completion, in time order. */
function relative(marks: Record<string, number>, zero: number): string {
  return Object.entries(marks).sort((a, b) => a[1] - b[1]).map(([k, t]) => `${k} ${t - zero >= 0 ? '+' : ''}${Math.round(t - zero)}`).join(', ');
}

const CASE = { id: 'E2E-1024', stem: 'e2e_1024', flags: '-mat A.mat -default_F 100 -distance 100 -lambda 1 -pixel 0.1 -detpixels 1024 -nonoise -nointerpolate' };

export const firstPaint: Scenario = {
  name: '7-first-paint',
  title: 'a 1024² run → the results panel paints its first image ≤ 1 s after the bundle is complete (printed)',
  prepare(ws) {
    mergeWorkspaceSettings(ws, EMBEDDED_BOTH);
    mkdirSync(join(ws, '.nb-parity'), { recursive: true });
    const file = join(ws, '.nb-parity', 'cases.json');
    const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as { cases: unknown[] } : { cases: [] };
    existing.cases.push({ id: CASE.id, label: 'e2e: 1024² first paint', flags: CASE.flags, fileStem: CASE.stem, thresholds: { corrMin: 0.999, sumRatioTol: 0.001 } });
    writeFileSync(file, JSON.stringify(existing, null, 2) + '\n');
  },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    const before = listBundleDirs(workspace);
    // code-server's webview boot, which the webview cannot time itself: when its outer frame (pre/index.html) and
    // its content frame (pre/fake.html, where our HTML goes) first appear in the page.
    const frames: Record<string, number> = {};
    const frameWatch = setInterval(() => {
      for (const f of page.frames()) {
        const name = /\/webview\/browser\/pre\/([\w-]+\.html)/.exec(f.url())?.[1];
        if (name && frames[`frame ${name}`] === undefined) frames[`frame ${name}`] = Date.now();
      }
    }, 50);
    await step(`palette: ${TITLE_RUN_CASE} → ${CASE.id}`, async () => {
      await runCommand(page, TITLE_RUN_CASE);
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: CASE.id }).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      await row.click();
      const ok = page.locator('.quick-input-widget .quick-input-action a, .quick-input-widget .monaco-button').filter({ hasText: /^OK$/ });
      if (await ok.count() && await ok.first().isVisible()) await ok.first().click();
    });
    const bundle = await step('a new bundle is written', () => waitForNewBundle(workspace, before, 120_000));
    const finishedAt = await step('the bundle is complete (complete.json)', () => pollUntil('complete.json', async () => {
      const f = join(bundle, 'complete.json');
      return existsSync(f) ? Date.parse((JSON.parse(readFileSync(f, 'utf8')) as { finishedAt: string }).finishedAt) : undefined;
    }, 60_000, 100));
    const view = webview(page);
    const painted = await step('the webview paints its first image', () => pollUntil('body[data-first-paint-at]', async () => {
      const at = await view.locator('body').getAttribute('data-first-paint-at').catch(() => null);
      if (!at) return undefined;
      const marks = JSON.parse((await view.locator('body').getAttribute('data-first-paint-marks')) ?? '{}') as Record<string, number>;
      return { at: Number(at), canvas: (await view.locator('body').getAttribute('data-first-paint-canvas')) ?? '', marks };
    }, 60_000, 100));
    await step('the painted image is visible and not blank', async () => {
      assert.match(painted.canvas, new RegExp(`^canvas-(reference|candidate|diff|ratio)-${CASE.id}$`), `first painted canvas: ${painted.canvas}`);
      const canvas = view.getByTestId(painted.canvas);
      assert.ok(await canvas.isVisible(), `${painted.canvas} is not visible`);
      const s = await sampleCanvas(canvas);
      assert.ok(s.distinct >= 3, `${painted.canvas} looks blank: ${s.distinct} distinct colour(s)`);
      await shot('first-paint');
    });
    clearInterval(frameWatch);
    // The host's line lands in its log file a moment after `painted` (the output channel flushes on its own). It
    // measures from the moment the run wrote complete.json; the file's finishedAt read here may be a later refresh
    // (the last previews are added after it), so the host's number is the one reported when it is there.
    const host = await pollUntil('host first-paint log line', async () => hostPaintLine(ctx.server.userDataDir), 15_000, 200).catch(() => undefined);
    const hostMs = host ? Number(/, (-?\d+) ms after complete\.json/.exec(host)?.[1]) : NaN;
    const delay = Number.isFinite(hostMs) ? hostMs : painted.at - finishedAt;
    const zero = painted.at - delay;
    log(`webview steps after complete.json (ms): ${relative({ ...frames, ...painted.marks }, zero)}`);
    log(`host log: ${host ?? 'no first-paint line in the extension log'}`);
    log(`by complete.json's finishedAt as read here: ${(painted.at - finishedAt).toFixed(0)} ms`);
    // The number issue 15 asks for, printed (a timing on a shared machine is evidence, not a test).
    const verdict = `target ≤ 1000 ms: ${delay <= 1000 ? 'met' : 'NOT met'}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;
    log(`FIRST PAINT at 1024²: ${delay.toFixed(0)} ms after complete.json (${painted.canvas}; ${verdict})`);
    console.log(`first paint at 1024²: ${delay.toFixed(0)} ms after the bundle is complete (${verdict})`);
  },
};
