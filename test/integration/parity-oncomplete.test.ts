// runParity's onComplete: called once complete.json is written, with the bundle the run returns; the last case's
// previews still to encode and the refreshed marker wait until its promise settles (the extension's results panel
// shows the bundle first), and a failing callback does not fail the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runParity } from '../../src/core/parity.ts';
import type { Bundle, Case } from '../../src/shared/types.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const small: Case = {
  id: 'ONC', label: 'onComplete', source: 'user', fileStem: 'onc', thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 },
  flags: ['-mat', 'A.mat', '-default_F', '100', '-distance', '100', '-lambda', '1', '-pixel', '0.1', '-detpixels', '32', '-N', '1', '-nonoise', '-nointerpolate'],
};

test('onComplete: complete.json is there; the run finishes (previews, refreshed marker) only after its promise settles', async () => {
  const ws = await copyDemoWorkspace('nbp-oncomplete-');
  let seen: { bundle: Bundle; complete: boolean } | undefined;
  let settledAt = 0;
  const b = await runParity({
    workspace: ws, cases: [small], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false },
    onComplete: async (bundle) => {
      seen = { bundle, complete: existsSync(join(bundle.dir, 'complete.json')) };
      await new Promise((r) => setTimeout(r, 200));
      settledAt = Date.now();
    },
  });
  assert.ok(seen, 'onComplete was called');
  assert.equal(seen.bundle, b, 'the same bundle object the run returns');
  assert.equal(seen.complete, true, 'complete.json is written before onComplete');
  // The last previews (when not encoded while the engines ran) and the refreshed marker come after the callback.
  const marker = JSON.parse(await readFile(join(b.dir, 'complete.json'), 'utf8')) as { finishedAt: string; files: Record<string, string> };
  assert.ok(Date.parse(marker.finishedAt) >= settledAt - 5, `marker refreshed at ${marker.finishedAt}, callback settled at ${new Date(settledAt).toISOString()}`);
  for (const f of ['preview_onc_reference.png', 'preview_onc_candidate.png', 'preview_onc_diff.png']) {
    assert.ok(existsSync(join(b.dir, f)) && marker.files[f], `${f} written and listed before runParity returns`);
  }
});

test('onComplete that throws: logged, the run still returns its bundle with previews', async () => {
  const ws = await copyDemoWorkspace('nbp-oncomplete-');
  const lines: string[] = [];
  const b = await runParity({
    workspace: ws, cases: [small], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false },
    onLog: (l) => lines.push(l), onComplete: () => { throw new Error('panel gone'); },
  });
  assert.equal(b.cases[0]?.verdict.status, 'pass', b.cases[0]?.verdict.reason);
  assert.ok(lines.some((l) => l.includes('after complete.json: panel gone')), lines.join('\n'));
  assert.ok(existsSync(join(b.dir, 'preview_onc_diff.png')));
});
