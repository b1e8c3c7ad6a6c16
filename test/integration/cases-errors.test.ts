// A case the case file cannot describe is not run (issue 12 item 3): the real CLI (bin/nb-parity.mjs → dist/cli.mjs)
// on a copy of the demo workspace, embedded engine on both sides (the user's C binary and PyTorch port cannot exist
// in CI). Before the fix, `thresholds: {corr_min: "0.999"}` left the case with no gate: a seed-preset mismatch
// (corr ≈ 0.06) was reported as PASS, exit 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
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

test('a case file that cannot be read at all (YAML syntax error): run --all and run/trace of its ids exit 2 saying so; built-in cases still run with a warning', async () => {
  const ws = await copyDemoWorkspace('nbp-caseyaml-');
  const yaml = join(ws, 'tests/parity_cases.yaml');
  // One missing "]": the whole file stops parsing, so every YAML case is gone, not only this one.
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('thresholds: {corr_min: 0.999,', 'thresholds: {corr_min: [0.999,'));
  const eng = ['--candidate', 'embedded', '--reference', 'embedded'];
  const all = await nbp(['run', '--all', '--workspace', ws, ...eng, '--quiet']);
  assert.equal(all.exitCode, 2, `before: "--all" passed with only the built-ins: ${all.stdout}${all.stderr}`);
  assert.match(all.stderr, /--all refused: tests\/parity_cases\.yaml could not be read, so none of its cases are known; fix it first:\n {2}\S+parity_cases\.yaml:\d+: YAML syntax error/);
  assert.equal(all.stdout, '', 'nothing ran');
  const one = await nbp(['run', 'DEMO-MAT-N1', '--workspace', ws, ...eng, '--quiet']);
  assert.equal(one.exitCode, 2);
  assert.match(one.stderr, /case\(s\) DEMO-MAT-N1 not found: tests\/parity_cases\.yaml could not be read/);
  assert.doesNotMatch(one.stderr, /warning/, 'the errors are said once, in the refusal');
  const trace = await nbp(['trace', 'DEMO-MAT-N1', '--workspace', ws, ...eng]);
  assert.equal(trace.exitCode, 2);
  assert.match(trace.stderr, /case DEMO-MAT-N1 not found: tests\/parity_cases\.yaml could not be read/);
  const builtin = await nbp(['run', 'TC-D3', '--workspace', ws, ...eng, '--quiet']);
  assert.equal(builtin.exitCode, 1, 'TC-D3 runs (and fails, as in the seed)');
  assert.match(builtin.stderr, /warning: tests\/parity_cases\.yaml could not be read: none of its cases are available/);
});
