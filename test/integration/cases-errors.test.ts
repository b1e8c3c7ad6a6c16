// A case the case file cannot describe is not run (issue 12 item 3): the real CLI (bin/nb-parity.mjs → dist/cli.mjs)
// on a copy of the demo workspace, embedded engine on both sides (the user's C binary and PyTorch port cannot exist
// in CI). Before the fix, `thresholds: {corr_min: "0.999"}` left the case with no gate: a seed-preset mismatch
// (corr ≈ 0.06) was reported as PASS, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const nbp = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, cwd: tmpdir(), timeout: 120_000 });

test('nb-parity run on a case with unreadable thresholds or a misspelt key: exit 2 naming file, line and the fix', async () => {
  const ws = await copyDemoWorkspace('nbp-caseerr-');
  const yaml = join(ws, 'tests/parity_cases.yaml');
  await appendFile(yaml, [
    '  - id: QUOTED',
    '    base_args: "-mat A.mat -default_F 100 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels 32 -nonoise -nointerpolate"',
    '    thresholds: {corr_min: "0.999"}',
    '  - id: TYPO',
    '    base_args: "-mat A.mat -default_F 100 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels 32 -nonoise -nointerpolate"',
    '    treshold: {corr_min: 0.999}',
    '',
  ].join('\n'));
  const quoted = await nbp(['run', 'QUOTED', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--quiet']);
  assert.equal(quoted.exitCode, 2, quoted.stdout + quoted.stderr);
  assert.match(quoted.stderr, /case\(s\) QUOTED not run: the case file has errors for them/);
  assert.match(quoted.stderr, /parity_cases\.yaml:\d+: cases\[2\] \(QUOTED\)\.thresholds\.corr_min: expected a number, got "0\.999"/);
  assert.doesNotMatch(quoted.stdout, /pass/i);

  const typo = await nbp(['run', 'TYPO', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--quiet']);
  assert.equal(typo.exitCode, 2, typo.stdout + typo.stderr);
  assert.match(typo.stderr, /unknown key "treshold" \(did you mean "thresholds"\?\)/);

  // The listing still shows the good cases and exits 1 for the file's errors.
  const list = await nbp(['cases', '--workspace', ws]);
  assert.equal(list.exitCode, 1);
  assert.match(list.stdout, /DEMO-MAT-N1\/detpixels-64/);
  assert.doesNotMatch(list.stdout, /QUOTED|TYPO/);
});
