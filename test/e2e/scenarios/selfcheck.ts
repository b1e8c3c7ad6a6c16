// Harness self-check (not one of the six; run with --only selfcheck): proves code-server, Chromium, the palette
// driver and teardown work with a built-in command, independent of the extension.
import assert from 'node:assert/strict';
import type { Scenario } from '../harness.ts';
import { findProcesses } from '../processes.ts';
import { runCommand } from '../workbench.ts';

export const selfcheck: Scenario = {
  name: '0-selfcheck',
  title: 'harness self-check: workbench, palette, teardown',
  emptyWorkspace: true,
  async run({ page, step, shot, server, runId }) {
    await step('workbench screenshot', () => shot('workbench'));
    await step('palette runs a built-in command', async () => {
      await runCommand(page, 'View: Toggle Panel Visibility', { beforeEnter: async () => { await shot('palette'); } });
    });
    await step('status bar shows', async () => {
      assert.ok(await page.locator('.part.statusbar').isVisible());
    });
    await step('the teardown check sees our processes while they run', async () => {
      // The leftover check after teardown is only meaningful if the marker and group scan find live processes.
      const inGroup = findProcesses({ pgid: server.pid });
      assert.ok(inGroup.length >= 2, `expected code-server and its children in group ${server.pid}, found ${inGroup.length}`);
      const marked = findProcesses({ runId });
      assert.ok(marked.some((p) => /chromium/.test(p.cmd)), 'the marker scan must see the Chromium processes');
      assert.ok(marked.some((p) => /code-server|entry\.js/.test(p.cmd)), 'the marker scan must see code-server');
      assert.equal(findProcesses({ runId: `${runId}-unknown` }).length, 0, 'an unknown marker must match nothing');
    });
  },
};
