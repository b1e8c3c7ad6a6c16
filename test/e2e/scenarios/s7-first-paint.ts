// Scenario 7 (issue 15, speed): a 1024² case from the palette → how long after the bundle is complete (the run
// writing complete.json) the results panel's first image is on screen (the webview stamps Date.now() on <body> after
// the frame that drew it; same machine, same clock). The delay is printed, not asserted (shared machine); the painted
// image must be visible and not blank. Also printed, where the time went: code-server's webview frames appearing, the
// webview's own marks (navigation, script loaded/evaluated, ready, snapshot, image received/drawn, on screen;
// <body data-first-paint-marks>) and the host's log line with its steps (panel created, load, ready, posts).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, type Scenario, type ScenarioContext } from '../harness.ts';
import { pollUntil, runCommand, webview } from '../workbench.ts';
import { listBundleDirs, sampleCanvas, TITLE_RUN_CASE, waitForNewBundle } from './common.ts';

/** The extension's `nth` "results panel first paint: …" log line (its own breakdown), once the host has written it. */
function hostPaintLine(userDataDir: string, nth: number): string | undefined {
  const logs = join(userDataDir, 'logs');
  for (const stamp of existsSync(logs) ? readdirSync(logs) : []) {
    const file = join(logs, stamp, 'exthost1', 'nanobragg-parity.nanobragg-parity', 'nanoBragg Parity.log');
    if (!existsSync(file)) continue;
    const line = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('results panel first paint:'))[nth];
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
    // A browser shows its first webview only after installing VS Code's webview service worker (13 s measured on a
    // busy machine in a fresh profile); a user pays that once per browser profile. So the case runs twice: in the fresh
    // browser, then (all editors closed, so the run opens a new panel) with the worker installed — the headline number.
    const cold = await measureRun(ctx, 'fresh browser', 0);
    await ctx.step('close all editors (the next run opens a new results panel)', async () => {
      await runCommand(ctx.page, 'View: Close All Editors');
      await pollUntil('the results panel closed', async () => (await ctx.page.locator('iframe.webview').count()) === 0, 20_000);
    });
    const warm = await measureRun(ctx, 'webview service worker installed', 1);
    // The number issue 15 asks for, printed (a timing on a shared machine is evidence, not a test).
    const verdict = `target ≤ 1000 ms: ${warm <= 1000 ? 'met' : 'NOT met'}; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;
    ctx.log(`FIRST PAINT at 1024²: ${warm.toFixed(0)} ms after complete.json (${verdict}); in a fresh browser: ${cold.toFixed(0)} ms`);
    console.log(`first paint at 1024²: ${warm.toFixed(0)} ms after the bundle is complete (${verdict}); in a fresh browser profile: ${cold.toFixed(0)} ms`);
  },
};

/** One run of the case from the palette to its first image on screen; returns the delay after complete.json. */
async function measureRun(ctx: ScenarioContext, label: string, nth: number): Promise<number> {
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
  try {
    await step(`${label}: palette: ${TITLE_RUN_CASE} → ${CASE.id}`, async () => {
      await runCommand(page, TITLE_RUN_CASE);
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: CASE.id }).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      await row.click();
      const ok = page.locator('.quick-input-widget .quick-input-action a, .quick-input-widget .monaco-button').filter({ hasText: /^OK$/ });
      if (await ok.count() && await ok.first().isVisible()) await ok.first().click();
    });
    const bundle = await step(`${label}: a new bundle is written`, () => waitForNewBundle(workspace, before, 120_000));
    const finishedAt = await step(`${label}: the bundle is complete (complete.json)`, () => pollUntil('complete.json', async () => {
      const f = join(bundle, 'complete.json');
      return existsSync(f) ? Date.parse((JSON.parse(readFileSync(f, 'utf8')) as { finishedAt: string }).finishedAt) : undefined;
    }, 60_000, 100));
    const view = webview(page);
    const painted = await step(`${label}: the webview paints its first image`, () => pollUntil('body[data-first-paint-at]', async () => {
      const at = await view.locator('body').getAttribute('data-first-paint-at').catch(() => null);
      if (!at) return undefined;
      const marks = JSON.parse((await view.locator('body').getAttribute('data-first-paint-marks')) ?? '{}') as Record<string, number>;
      return { at: Number(at), canvas: (await view.locator('body').getAttribute('data-first-paint-canvas')) ?? '', marks };
    }, 60_000, 100));
    await step(`${label}: the painted image is visible and not blank`, async () => {
      assert.match(painted.canvas, new RegExp(`^canvas-(reference|candidate|diff|ratio)-${CASE.id}$`), `first painted canvas: ${painted.canvas}`);
      const canvas = view.getByTestId(painted.canvas);
      assert.ok(await canvas.isVisible(), `${painted.canvas} is not visible`);
      const s = await sampleCanvas(canvas);
      assert.ok(s.distinct >= 3, `${painted.canvas} looks blank: ${s.distinct} distinct colour(s)`);
      await shot(`first-paint-${nth + 1}`);
    });
    clearInterval(frameWatch);
    // VS Code's own marks in the outer frame (script start, service worker ready, content written).
    for (const f of page.frames().filter((x) => x.url().includes('/webview/browser/pre/index.html'))) {
      const marks = await f.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('webview/index.html/'))
        .map((m) => [m.name.replace('webview/index.html/', ''), performance.timeOrigin + m.startTime] as [string, number])).catch(() => []);
      for (const [name, at] of marks) frames[`index.html ${name}`] ??= at;
    }
    // The host's line lands in its log file a moment after `painted` (the output channel flushes on its own). It
    // measures from the moment the run wrote complete.json; the file's finishedAt read here may be a later refresh
    // (the last previews are added after it), so the host's number is the one reported when it is there.
    const host = await pollUntil('host first-paint log line', async () => hostPaintLine(ctx.server.userDataDir, nth), 15_000, 200).catch(() => undefined);
    const hostMs = host ? Number(/, (-?\d+) ms after complete\.json/.exec(host)?.[1]) : NaN;
    const delay = Number.isFinite(hostMs) ? hostMs : painted.at - finishedAt;
    const zero = painted.at - delay;
    log(`${label}: webview steps after complete.json (ms): ${relative({ ...frames, ...painted.marks }, zero)}`);
    log(`${label}: host log: ${host ?? 'no first-paint line in the extension log'}`);
    log(`${label}: first paint ${delay.toFixed(0)} ms after complete.json (${painted.canvas}; by complete.json's finishedAt as read here: ${(painted.at - finishedAt).toFixed(0)} ms)`);
    return delay;
  } finally {
    clearInterval(frameWatch);
  }
}
