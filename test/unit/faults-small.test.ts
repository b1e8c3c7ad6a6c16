// Issue 12 item 6: the smaller faults (atoi integer flags, bundle paths outside the workspace, write errors that
// name the file). Each test was written to fail on the code before its fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedFlagError, parseFlags } from '../../src/core/simulator/flags.ts';
import { phaseDir } from '../../src/core/evidence/stamp.ts';
import { moveNoClobber, writeFileAtomic } from '../../src/core/evidence/atomic.ts';

test('integer flags are read like C atoi: leading whitespace, sign, digits, stop at the first non-digit', () => {
  assert.equal(parseFlags(['-N', '1e1']).Na, 1);
  assert.equal(parseFlags(['-N', '  12abc']).Nb, 12);
  assert.equal(parseFlags(['-N', '-3.9']).Nc, -3);
  assert.equal(parseFlags(['-oversample', '+2.5']).oversample, 2);
  assert.equal(parseFlags(['-detpixels', '64x']).fpixels, 64);
  assert.deepEqual(parseFlags(['-roi', '1e3', '2', '3', '4']).roi, [1, 2, 3, 4]);
  assert.equal(parseFlags(['-mosaic_seed', '7e2']).mosaicSeed, -7);
  // No digits at all is still refused (C would silently read 0).
  assert.throws(() => parseFlags(['-N', 'abc']), EmbeddedFlagError);
});

test('initiative/phase values that leave the reports folder are refused', () => {
  const ws = '/tmp/ws';
  for (const bad of [{ initiative: '..' }, { phase: '../../x' }, { initiative: 'a/../../..' }, { phase: '/etc' }, { initiative: '/tmp/x' }]) {
    assert.throws(() => phaseDir(ws, bad), /outside|absolute/, JSON.stringify(bad));
  }
  assert.equal(phaseDir(ws, { initiative: 'i1', phase: 'p/sub' }), '/tmp/ws/reports/i1/p/sub');
});

test('a failed evidence write names the file (ENOSPC via /dev/full is not reachable: a missing folder stands in)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nb-atomic-'));
  try {
    const target = join(dir, 'gone', 'image.bin');
    await assert.rejects(writeFileAtomic(target, 'x'), (e: Error) => e.message.includes(target));
    await assert.rejects(moveNoClobber(join(dir, 'nope.bin'), join(dir, 'dest.bin')), (e: Error) => e.message.includes('dest.bin'));
    await mkdir(join(dir, 'sub'));
    assert.deepEqual(await readdir(join(dir, 'sub')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('simulate -floatfile into a missing folder fails like C fopen (no folders created); onto a folder leaves no temp file', async () => {
  const { simulate } = await import('../../src/core/simulator/index.ts');
  const dir = await mkdtemp(join(tmpdir(), 'nb-floatfile-'));
  const flags = ['-cell', '100', '100', '100', '90', '90', '90', '-default_F', '100', '-detpixels', '4', '-distance', '100'];
  try {
    const missing = join(dir, 'missing', 'dir', 'x.bin');
    await assert.rejects(simulate({ args: [...flags, '-floatfile', missing], cwd: dir, workers: 0 }), (e: Error) => e.message.includes(missing));
    assert.deepEqual(await readdir(dir), [], 'no folders created');
    await mkdir(join(dir, 'adir'));
    await assert.rejects(simulate({ args: [...flags, '-floatfile', join(dir, 'adir')], cwd: dir, workers: 0 }), /is a directory|adir/);
    assert.deepEqual(await readdir(dir), ['adir'], 'no temp file beside the folder');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
