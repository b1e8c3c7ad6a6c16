// Issue 12 item 6, C side: the "C binary not found" message blames the right source and says missing vs not
// executable; the make build honours the run's --timeout. A stand-in Makefile (sleep) stands for a slow build,
// since the real nanoBragg sources cannot be in CI. Written to fail on the code before the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeCBinary, resolveCBinary } from '../../src/core/engines/c/resolve.ts';
import { runParity } from '../../src/core/parity.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

test('a wrong --c-binary is blamed on the flag, and the message says missing or not executable', async () => {
  const ws = await makeTempDir('nbp-cres-');
  const r1 = await resolveCBinary(ws, 'nope/nanoBragg', {}, '--c-binary');
  assert.equal(r1.ok, false);
  assert.match(!r1.ok ? r1.message : '', /--c-binary/);
  assert.doesNotMatch(!r1.ok ? r1.message : '', /cBinary setting/);
  assert.match(!r1.ok ? r1.message : '', /does not exist/);
  const plain = join(ws, 'plain');
  await writeFile(plain, 'not a program');
  await chmod(plain, 0o644);
  const r2 = await resolveCBinary(ws, plain, {});
  assert.match(!r2.ok ? r2.message : '', /not executable/);
  assert.match(!r2.ok ? r2.message : '', /cBinary setting/);
  await mkdir(join(ws, 'adir'));
  const r3 = await resolveCBinary(ws, undefined, { NB_C_BIN: join(ws, 'adir') });
  assert.match(!r3.ok ? r3.message : '', /NB_C_BIN.*not a file/);
  // A good binary given with --c-binary is described (bundle header, log) as coming from the flag.
  const good = join(ws, 'good');
  await writeFile(good, '#!/bin/sh\n');
  await chmod(good, 0o755);
  const r4 = await resolveCBinary(ws, good, {}, '--c-binary');
  assert.ok(r4.ok);
  assert.match(describeCBinary(r4.ok ? r4.binary : (undefined as never)), /from --c-binary/);
  const r5 = await resolveCBinary(ws, good, {});
  assert.match(describeCBinary(r5.ok ? r5.binary : (undefined as never)), /from the cBinary setting/);
});

test('the make build of the C binary stops at the run timeout', async () => {
  const ws = await makeTempDir('nbp-cbuild-');
  await mkdir(join(ws, 'golden_suite_generator'));
  await writeFile(join(ws, 'golden_suite_generator', 'Makefile'), 'all:\n\tsleep 30\n');
  const t0 = Date.now();
  await assert.rejects(runParity({
    workspace: ws, cases: [{ id: 'X', label: 'X', source: 'user', fileStem: 'x', thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 }, flags: ['-detpixels', '8'] }],
    candidate: 'embedded', reference: 'c', settings: { allowPrograms: true, timeoutMs: { reference: 1500, candidate: 1500 } },
  }), /timed out/);
  assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
});
