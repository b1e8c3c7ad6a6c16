// Scenario 6: Restricted Mode (the folder is not trusted). Running the seed with the default engines (C reference,
// PyTorch candidate) must say that programs cannot run and launch nothing. Every program the run could reach is a
// fake that leaves a marker file when executed: golden_suite_generator/nanoBragg (also NB_C_BIN), NB_PY_BIN, and
// python/python3/make/nanoBragg first on PATH. The scenario asserts no marker exists afterwards.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { readJsonc, type Scenario } from '../harness.ts';
import { sleep } from '../processes.ts';
import { pollUntil, runCommand } from '../workbench.ts';
import { listStampDirs, TITLE_RUN_SEED, waitForNewBundle } from './common.ts';

const EXPLAINS = /Restricted Mode|not trusted|trust/i;

function fakeProgram(file: string, markerDir: string, name: string): void {
  writeFileSync(file, `#!/bin/sh\n# e2e stand-in: proves whether anything launched "${name}".\n` +
    `echo "$0 $*" > "${markerDir}/launched-${name}-$$"\nexit 3\n`);
  chmodSync(file, 0o755);
}

export const restricted: Scenario = {
  name: '6-restricted',
  title: 'Restricted Mode: explains that programs cannot run, launches nothing',
  trusted: false,
  prepare(ws) {
    const markerDir = join(ws, '..', 'markers');
    const fakeBin = join(ws, '..', 'fakebin');
    mkdirSync(markerDir, { recursive: true });
    mkdirSync(fakeBin, { recursive: true });
    mkdirSync(join(ws, 'golden_suite_generator'), { recursive: true });
    fakeProgram(join(ws, 'golden_suite_generator', 'nanoBragg'), markerDir, 'golden-nanoBragg');
    for (const p of ['python', 'python3', 'make', 'nanoBragg', 'gcc', 'cc']) fakeProgram(join(fakeBin, p), markerDir, p);
    const settings = readJsonc(join(ws, '.vscode', 'settings.json'));
    assert.notEqual(settings['nbParity.reference'], 'embedded', 'the demo workspace must keep C as the reference here');
    return {
      env: {
        NB_C_BIN: join(ws, 'golden_suite_generator', 'nanoBragg'),
        NB_PY_BIN: join(fakeBin, 'python3'),
        PATH: `${fakeBin}:${process.env.PATH}`,
      },
    };
  },
  async run(ctx) {
    const { page, step, shot, workspace, log } = ctx;
    const markerDir = join(workspace, '..', 'markers');
    // The workbench shows no reliable Restricted-Mode indicator at start-up in code-server; the proof that the
    // folder is untrusted is the extension's own refusal below (it is worded only when workspace.isTrusted is false).
    await step('workbench screenshot', () => shot('workbench-restricted'));
    const stampsBefore = listStampDirs(workspace);
    await step(`palette: ${TITLE_RUN_SEED}`, async () => {
      await runCommand(page, TITLE_RUN_SEED, { beforeEnter: async () => { await shot('palette'); } });
    });
    await step('the command explains that programs cannot run', async () => {
      const where = await pollUntil('a message about Restricted Mode (notification, dialog or webview notice)', async () => {
        const toasts = await page.locator('.notifications-toasts .notification-list-item').allInnerTexts();
        const dialogs = await page.locator('.monaco-dialog-box').allInnerTexts();
        let notice: string[] = [];
        try { notice = await page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('body').allInnerTexts(); } catch { /* no webview */ }
        const hit = [...toasts.map((t) => ['notification', t]), ...dialogs.map((t) => ['dialog', t]), ...notice.map((t) => ['webview', t])]
          .find(([, t]) => EXPLAINS.test(t) && /C|Python|program|launch|run/i.test(t));
        return hit ? `${hit[0]}: ${hit[1].replace(/\s+/g, ' ').slice(0, 300)}` : undefined;
      }, 30_000);
      log(`message: ${where}`);
      await shot('explains');
    });
    await step('no program was launched', async () => {
      await sleep(3000); // give a wrongly started program time to leave its marker
      const markers = existsSync(markerDir) ? readdirSync(markerDir) : [];
      assert.deepEqual(markers, [], `programs were launched in Restricted Mode: ${markers.join(', ')}`);
      const newStamps = listStampDirs(workspace).filter((d) => !stampsBefore.includes(d));
      assert.deepEqual(newStamps, [], 'a bundle folder was created although nothing may run');
    });
    await step('"Run embedded vs embedded" still works and launches no program', async () => {
      const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: 'Restricted Mode' }).first();
      await toast.locator('.monaco-button').filter({ hasText: 'Run embedded vs embedded' }).click();
      const bundle = await waitForNewBundle(workspace, [], 120_000);
      const names = readdirSync(bundle);
      assert.ok(names.includes('emb_ref_tc_d1.bin') && names.includes('emb_cand_tc_d1.bin'), `embedded images missing in ${bundle}: ${names.join(', ')}`);
      await sleep(1000);
      const markers = readdirSync(markerDir);
      assert.deepEqual(markers, [], `programs were launched by the embedded run: ${markers.join(', ')}`);
      await shot('embedded-in-restricted-mode');
    });
    await step('the marker check can fail: the fake C binary leaves a marker when run', async () => {
      await execa(join(workspace, 'golden_suite_generator', 'nanoBragg'), ['-probe'], { reject: false });
      assert.equal(readdirSync(markerDir).length, 1, 'the stand-in nanoBragg did not write its marker');
    });
  },
};
