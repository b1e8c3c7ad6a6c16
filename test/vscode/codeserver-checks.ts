// Extension-host checks in a real VS Code on machines WITHOUT VS Code desktop: the same code-server + Chromium
// harness as `npm run test:e2e` (test/e2e/, which installs the tools on first use), driving what the six e2e
// scenarios do not: window reload → serializer restore, hidden → visible resend, the panel's Export PNG / Open
// bundle folder / Re-run, Restricted Mode's "Run embedded vs embedded", cancel from the progress notification, and
// the default C-vs-PyTorch path with programs named by the settings. The user's C binary and PyTorch port cannot
// exist here: test/fixtures/standins/ stand in for them (they honour the command-line contract).
// Run: `npm run build && npm run package && node --import tsx test/vscode/codeserver-checks.ts [name...]`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_BOTH, mergeWorkspaceSettings, REPO, runScenario, type Scenario, type ScenarioContext } from '../e2e/harness.ts';
import { ensureTools } from '../e2e/tools.ts';
import { findProcesses, sleep } from '../e2e/processes.ts';
import { pollUntil, runCommand, saveDialogAccept, webview } from '../e2e/workbench.ts';
import { listBundleDirs, runSeedAndWait } from '../e2e/scenarios/common.ts';
import { UX_CHECKS } from './ux-checks.ts';

const VSIX = join(REPO, 'dist', 'nanobragg-parity.vsix');
const STANDINS = join(REPO, 'test', 'fixtures', 'standins');

async function parityTab(ctx: ScenarioContext, text: string) {
  const tab = ctx.page.locator('.tabs-container .tab').filter({ hasText: text }).first();
  await tab.waitFor({ state: 'visible', timeout: 60_000 });
  return tab;
}

/** The Test Explorer row of a case; the built-ins sit in the "Built-in seed cases" group, expanded on demand. */
async function testRow(ctx: ScenarioContext, name: RegExp, group = 'Built-in seed cases') {
  const tree = ctx.page.locator('.test-explorer');
  await tree.waitFor({ state: 'visible', timeout: 30_000 });
  return pollUntil(`the ${name.source} row`, async () => {
    const r = tree.locator('.monaco-list-row').filter({ hasText: name }).first();
    if (await r.count()) return r;
    const g = tree.locator('.monaco-list-row[aria-expanded="false"]').filter({ hasText: group }).first();
    if (await g.count()) await g.locator('.monaco-tl-twistie').click();
    return undefined;
  }, 60_000, 700);
}

const reload: Scenario = {
  name: 'x-reload',
  title: 'hidden → visible resend; window reload restores the panel from its bundle dir',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, log } = ctx;
    const { bundle } = await runSeedAndWait(ctx);
    const stamp = bundle.split('/').pop()!;
    await step('hide the panel behind a new editor, show it again', async () => {
      await page.keyboard.press('Control+KeyN');
      await sleep(1000);
      await (await parityTab(ctx, 'nanoBragg Parity')).click();
      await webview(page).getByTestId('case-TC-D1').waitFor({ state: 'visible', timeout: 30_000 });
    });
    await step('Developer: Reload Window → the same bundle is back', async () => {
      await runCommand(page, 'Developer: Reload Window');
      await sleep(3000);
      await (await parityTab(ctx, stamp)).click();
      const v = await webview(page).getByTestId('metric-correlation-TC-D1').getAttribute('data-value');
      const m = JSON.parse(readFileSync(join(bundle, 'metrics.json'), 'utf8')) as { cases: Record<string, { correlation: number }> };
      assert.equal(Number(v), m.cases['tc_d1']!.correlation);
      log(`restored TC-D1 correlation ${v}`);
    });
  },
};

const buttons: Scenario = {
  name: 'x-buttons',
  title: 'panel actions: Export PNG, Open bundle folder, Re-run (same panel)',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, log, workspace } = ctx;
    const { bundle } = await runSeedAndWait(ctx);
    const view = webview(page);
    await step('Export PNG → save dialog → PNG written', async () => {
      await view.getByTestId('btn-export-png').click();
      const target = join(workspace, 'exported.png');
      await saveDialogAccept(page, target);
      await pollUntil('the exported file', async () => existsSync(target), 15_000);
      assert.equal(readFileSync(target).subarray(1, 4).toString(), 'PNG');
    });
    await step('Open bundle folder reveals it in the Explorer', async () => {
      await view.getByTestId('btn-open-folder').click();
      await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: bundle.split('/').pop()! }).first().waitFor({ state: 'visible', timeout: 15_000 });
    });
    await step('Re-run writes a new bundle, shown in the same panel', async () => {
      const before = listBundleDirs(workspace);
      await view.getByTestId('btn-rerun').click();
      const next = await pollUntil('a new bundle', async () => listBundleDirs(workspace).find((d) => !before.includes(d)), 60_000);
      await parityTab(ctx, next.split('/').pop()!);
      assert.equal(await page.locator('.tabs-container .tab').filter({ hasText: 'nanoBragg Parity' }).count(), 1);
      log(`re-run bundle ${next}`);
    });
  },
};

const restrictedFallback: Scenario = {
  name: 'x-restricted-embedded',
  title: 'Restricted Mode: “Run embedded vs embedded” runs and the panel says Restricted Mode',
  trusted: false,
  async run(ctx) {
    const { page, step, log, workspace } = ctx;
    const before = listBundleDirs(workspace);
    await step('the run explains and offers the embedded engine', async () => {
      await runCommand(page, 'Run TC-D1/TC-D3 parity');
      const btn = page.locator('.notifications-toasts .notification-list-item .monaco-button').filter({ hasText: 'Run embedded vs embedded' }).first();
      await btn.waitFor({ state: 'visible', timeout: 30_000 });
      await btn.click();
    });
    await step('a bundle, and the panel notice', async () => {
      const dir = await pollUntil('a new bundle', async () => listBundleDirs(workspace).find((d) => !before.includes(d)), 60_000);
      await webview(page).getByTestId('case-TC-D1').waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(await webview(page).locator('body').innerText(), /Restricted Mode/);
      log(`bundle ${dir}`);
    });
  },
};

function ticks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
async function cores(pid: number, ms: number): Promise<number> {
  const a = ticks(pid);
  await sleep(ms);
  return (ticks(pid) - a) / 100 / (ms / 1000);
}

const cancel: Scenario = {
  name: 'x-cancel',
  title: 'Cancel in the progress notification: the extension host is idle within seconds, no image is written',
  prepare(ws) {
    mergeWorkspaceSettings(ws, EMBEDDED_BOTH);
    mkdirSync(join(ws, '.nb-parity'), { recursive: true });
    writeFileSync(join(ws, '.nb-parity', 'cases.json'), JSON.stringify({ cases: [{ id: 'BIG', label: 'big', fileStem: 'big', thresholds: { corrMin: 0.999 },
      flags: '-mat A.mat -default_F 100 -N 5 -oversample 2 -detpixels 2048 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -nonoise -nointerpolate' }] }));
  },
  async run(ctx) {
    const { page, step, log, workspace } = ctx;
    // The extension host's command line is long: read the full /proc cmdline, not a truncated one.
    const host = await step('find the extension host', () => pollUntil('the extension host', async () =>
      findProcesses({ pgid: ctx.server.pid }).find((p) => readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('--type=extensionHost'))?.pid, 60_000, 500));
    const before = listBundleDirs(workspace);
    await step('Run parity case… → BIG', async () => {
      await runCommand(page, 'Run parity case…');
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'BIG' }).first();
      await row.waitFor({ state: 'visible', timeout: 20_000 });
      await row.click();
      const ok = page.locator('.quick-input-widget .monaco-button').filter({ hasText: /^OK$/ });
      if (await ok.count() && await ok.first().isVisible()) await ok.first().click();
    });
    const cancelBtn = page.locator('.notifications-toasts .notification-list-item .monaco-button').filter({ hasText: /^Cancel$/ }).first();
    await step('computing', async () => {
      await cancelBtn.waitFor({ state: 'visible', timeout: 30_000 });
      log(`busy: ${(await pollUntil('≥ 0.5 cores', async () => { const c = await cores(host, 1000); return c >= 0.5 ? c : undefined; }, 30_000, 0)).toFixed(2)} cores`);
    });
    await step('Cancel → idle, and it stays idle; no image written', async () => {
      const t0 = Date.now();
      await cancelBtn.click();
      await pollUntil('< 0.2 cores', async () => ((await cores(host, 1000)) < 0.2 ? true : undefined), 20_000, 0);
      log(`idle ${((Date.now() - t0) / 1000).toFixed(1)} s after Cancel`);
      await sleep(3000);
      assert.ok((await cores(host, 2000)) < 0.2, 'still computing after cancel');
      for (const d of listBundleDirs(workspace).filter((x) => !before.includes(x))) {
        assert.deepEqual(readdirSync(d).filter((f) => f.endsWith('.bin')), [], `${d} has images of a cancelled run`);
      }
    });
  },
};

const programs: Scenario = {
  name: 'x-c-vs-torch',
  title: 'default engines (C reference, PyTorch candidate) named by settings: seed file names, env in the log',
  prepare(ws) {
    mergeWorkspaceSettings(ws, { 'nbParity.cBinary': join(STANDINS, 'nanoBragg'), 'nbParity.python': join(STANDINS, 'python'), 'nbParity.torchMode': 'cold', 'nbParity.extraEnv': { NB_CHECK_MARK: 'yes' } });
  },
  async run(ctx) {
    const { bundle } = await runSeedAndWait(ctx);
    await ctx.step('seed file names and the logged command lines', async () => {
      const files = readdirSync(bundle);
      for (const f of ['py_tc_d1.bin', 'c_tc_d1.bin', 'py_tc_d3.bin', 'c_tc_d3.bin', 'py_stdout_tc_d1.log', 'c_stdout_tc_d3.log']) assert.ok(files.includes(f), `${f} in ${bundle}`);
      const logs = join(ctx.runDir, 'user', 'logs');
      const file = readdirSync(logs).map((d) => join(logs, d, 'exthost1', 'nanobragg-parity.nanobragg-parity', 'nanoBragg Parity.log')).find((f) => existsSync(f));
      assert.ok(file, 'the extension log file');
      const text = readFileSync(file, 'utf8');
      assert.match(text, /\[TC-D1 candidate · torch\] \$ cd .* KMP_DUPLICATE_LIB_OK=TRUE NB_CHECK_MARK=yes PYTHONPATH=/);
      assert.match(text, /\[TC-D3 reference · c\] \$ cd .* NB_CHECK_MARK=yes .*standins\/nanoBragg -mat /);
    });
  },
};


const testMessageAction: Scenario = {
  name: 'x-test-message',
  title: 'Test Explorer result → its “Open parity results” context action opens that run’s bundle',
  prepare(ws) { mergeWorkspaceSettings(ws, { ...EMBEDDED_BOTH, 'testing.automaticallyOpenPeekView': 'never', 'testing.openTesting': 'neverOpen' }); },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    const before = listBundleDirs(workspace);
    await step('run TC-D3 from the Test Explorer', async () => {
      await runCommand(page, 'Testing: Focus on Test Explorer View');
      const row = await testRow(ctx, /^\s*TC-D3/);
      await row.hover();
      await row.locator('.action-label[class*="testing-run-icon"], .action-label[aria-label^="Run Test"]').first().click();
    });
    const bundle = await step('a bundle', () => pollUntil('a new bundle', async () => listBundleDirs(workspace).find((d) => !before.includes(d) && existsSync(join(d, 'metrics.json'))), 120_000));
    await step('the item’s “Open parity results” opens that run’s bundle', async () => {
      // testing/item/context in the Test Explorer: "Open parity results" → that run's bundle.
      const row = await testRow(ctx, /^\s*TC-D3/);
      await (row as unknown as { click(o: { button: 'right' }): Promise<void> }).click({ button: 'right' });
      const item = page.locator('.context-view .action-label, .monaco-menu .action-label').filter({ hasText: 'Open parity results' }).first();
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await shot('context-menu');
      await item.click();
      await parityTab(ctx, bundle.split('/').pop()!);
      await webview(page).getByTestId('case-TC-D3').waitFor({ state: 'visible', timeout: 30_000 });
      log(`opened ${bundle}`);
    });
  },
};

const buildC: Scenario = {
  name: 'x-build-c',
  title: 'Build C binary runs make -C golden_suite_generator (a stand-in Makefile) and reports the result',
  prepare(ws) {
    mkdirSync(join(ws, 'golden_suite_generator'), { recursive: true });
    // Stand-in for the repo's Makefile (the real one needs nanoBragg.c and gcc): the default target makes the binary.
    writeFileSync(join(ws, 'golden_suite_generator', 'Makefile'), 'nanoBragg:\n\tprintf "#!/bin/sh\\nexit 0\\n" > nanoBragg && chmod +x nanoBragg && echo stand-in build done\n');
  },
  async run(ctx) {
    const { page, step, workspace, log } = ctx;
    await step('Build C binary → binary exists, notification says built', async () => {
      await runCommand(page, 'Build C binary');
      await pollUntil('the built binary', async () => existsSync(join(workspace, 'golden_suite_generator', 'nanoBragg')), 30_000);
      const msg = await pollUntil('the result notification', async () => (await page.locator('.notifications-toasts .notification-list-item').allInnerTexts()).find((t) => /built/.test(t)), 30_000);
      log(msg.replace(/\s+/g, ' '));
    });
  },
};

const testTree: Scenario = {
  name: 'x-test-tree',
  title: 'Test Explorer is a tree (yaml case → its runs, built-ins in a group); after a reload the status bar says its verdict is from an earlier bundle',
  prepare(ws) { mergeWorkspaceSettings(ws, EMBEDDED_BOTH); },
  async run(ctx) {
    const { page, step, shot, log } = ctx;
    await step('the yaml case DEMO-MAT-N1 holds its runs; TC-D1 is under "Built-in seed cases"', async () => {
      await runCommand(page, 'Testing: Focus on Test Explorer View');
      const run = await testRow(ctx, /^\s*detpixels-64/, 'DEMO-MAT-N1');
      assert.equal(await run.getAttribute('aria-level'), '2', 'a run is one level below its case');
      const tc = await testRow(ctx, /^\s*TC-D1/);
      assert.equal(await tc.getAttribute('aria-level'), '2', 'a built-in is one level below its group');
      await shot('test-tree');
      log('tree: DEMO-MAT-N1 → detpixels-64; Built-in seed cases → TC-D1');
    });
    await runSeedAndWait(ctx);
    await step('reload → the status bar verdict says it is from an earlier bundle', async () => {
      await runCommand(page, 'Developer: Reload Window');
      const text = await pollUntil('the status bar verdict with its age', async () => (await page.locator('#nanobragg-parity\\.nanobragg-parity\\.nbParity\\.verdict, .statusbar-item').allInnerTexts()).find((t) => /Parity \d+\/\d+.*(old|from just now)/.test(t)), 60_000, 1000);
      log(`status bar: ${text.replace(/\s+/g, ' ')}`);
    });
  },
};

const errorButton: Scenario = {
  name: 'x-error-button',
  title: 'a PyTorch interpreter without torch: the result names it and offers "Select interpreter…", which writes nbParity.python to Workspace settings',
  prepare(ws) {
    // Stand-in for an interpreter without torch (the real one cannot be provisioned here): fails like python does.
    const py = join(ws, 'no-torch-python');
    writeFileSync(py, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n", { mode: 0o755 });
    mergeWorkspaceSettings(ws, { 'nbParity.candidate': 'torch', 'nbParity.reference': 'embedded', 'nbParity.torchMode': 'cold', 'nbParity.python': py });
  },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    const py = join(workspace, 'no-torch-python');
    await runCommand(page, 'Run TC-D1/TC-D3 parity');
    const toast = await step('the result notification names the interpreter and has the fix button', async () => {
      const t = await pollUntil('the notification', async () => {
        const n = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: `torch is not installed in ${py}` }).first();
        return (await n.count()) ? n : undefined;
      }, 120_000, 1000);
      await shot('error-button');
      return t;
    });
    await step('Select interpreter… → enter a path → saved to Workspace settings', async () => {
      // The result notice is a progress notification: its actions are links in the message (src/extension/resultNotice.ts).
      await toast.locator('a, .monaco-button').filter({ hasText: 'Select interpreter…' }).first().click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 20_000 });
      await input.fill('Enter interpreter path');
      await page.keyboard.press('Enter');
      await sleep(500);
      await input.fill('/usr/bin/python3');
      await page.keyboard.press('Enter');
      const saved = await pollUntil('nbParity.python in .vscode/settings.json', async () => {
        const j = JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
        return j['nbParity.python'] === '/usr/bin/python3' ? j : undefined;
      }, 30_000, 500);
      const where = await pollUntil('the "saved to" notification', async () => (await page.locator('.notifications-toasts .notification-list-item').allInnerTexts()).find((t) => /saved to Workspace settings/.test(t)), 20_000, 500);
      log(`${String(saved['nbParity.python'])}; ${where.replace(/\s+/g, ' ').slice(0, 120)}`);
    });
  },
};

const ALL = [reload, buttons, restrictedFallback, cancel, programs, testMessageAction, buildC, testTree, errorButton, ...UX_CHECKS];
const wanted = process.argv.slice(2);
const chosen = wanted.length ? ALL.filter((s) => wanted.some((w) => s.name.includes(w))) : ALL;
if (!existsSync(VSIX)) { console.error(`${VSIX} is missing: run "npm run package" first`); process.exit(2); }
const tools = await ensureTools((l) => console.log(l));
let failed = 0;
for (const s of chosen) {
  const r = await runScenario(s, tools, VSIX, { log: (l) => console.log(l) });
  console.log(`${r.ok ? 'PASS' : 'FAIL'} ${s.name} (${(r.ms / 1000).toFixed(1)} s)${r.ok ? '' : `: ${r.error}`}`);
  if (!r.ok) failed++;
}
console.log(`code-server checks: ${chosen.length - failed}/${chosen.length} passed`);
process.exit(failed ? 1 : 0);
