// runParity's onComplete: called once complete.json is written, with the bundle the run returns; the last case's
// previews wait until its promise settles (the extension's results panel shows the bundle first), and a failing
// callback does not fail the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runParity } from '../../src/core/parity.ts';
import type { Bundle, Case } from '../../src/shared/types.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const small: Case = {
  id: 'ONC', label: 'onComplete', source: 'user', fileStem: 'onc', thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 },
  flags: ['-mat', 'A.mat', '-default_F', '100', '-distance', '100', '-lambda', '1', '-pixel', '0.1', '-detpixels', '32', '-N', '1', '-nonoise', '-nointerpolate'],
};

test('onComplete: complete.json is there, the last previews are not yet; they follow once its promise settles', async () => {
  const ws = await copyDemoWorkspace('nbp-oncomplete-');
  let seen: { bundle: Bundle; complete: boolean; previews: boolean } | undefined;
  let heldBack: boolean | undefined;
  const b = await runParity({
    workspace: ws, cases: [small], candidate: 'embedded', reference: 'embedded', settings: { allowPrograms: false },
    onComplete: async (bundle) => {
      seen = { bundle, complete: existsSync(join(bundle.dir, 'complete.json')), previews: existsSync(join(bundle.dir, 'preview_onc_reference.png')) };
      await new Promise((r) => setTimeout(r, 200));
      // Not asserted here: a throw inside the callback is caught and logged by the run.
      heldBack = !existsSync(join(bundle.dir, 'preview_onc_reference.png'));
    },
  });
  assert.ok(seen, 'onComplete was called');
  assert.equal(seen.bundle, b, 'the same bundle object the run returns');
  assert.equal(seen.complete, true, 'complete.json is written before onComplete');
  assert.equal(seen.previews, false, 'the last case\'s previews come after it');
  assert.equal(heldBack, true, 'still held back 200 ms into the callback');
  assert.ok(existsSync(join(b.dir, 'preview_onc_reference.png')), 'and are written before runParity returns');
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
