// The daemon start lock (src/core/engines/torch/warm/startLock.ts): start-ups in one runtime folder never overlap,
// a lock left by a dead starter is taken over, a live starter's lock is waited for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { START_LOCK_NAME, withStartLock } from '../../src/core/engines/torch/warm/startLock.ts';
import { makeTempDirSync } from '../helpers/tempDirs.ts';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('concurrent start-ups run one at a time, and the lock is gone afterwards', async () => {
  const dir = makeTempDirSync('nb-lock-');
  let inside = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all([1, 2, 3].map((n) => withStartLock(dir, async () => {
    inside++;
    most = Math.max(most, inside);
    await pause(60);
    order.push(n);
    inside--;
  })));
  assert.equal(most, 1, 'never two holders at once');
  assert.equal(order.length, 3);
  assert.equal(existsSync(join(dir, START_LOCK_NAME)), false);
});

test('a lock whose holder died is taken over at once; a live holder is waited for', async () => {
  const dir = makeTempDirSync('nb-lock-');
  const gone = await execa(process.execPath, ['-e', 'console.log(process.pid)']);
  writeFileSync(join(dir, START_LOCK_NAME), `${gone.stdout.trim()}\n`);
  const t0 = Date.now();
  assert.equal(await withStartLock(dir, async () => 'ran'), 'ran');
  assert.ok(Date.now() - t0 < 1000, `a dead holder's lock took ${Date.now() - t0} ms`);

  const holder = execa(process.execPath, ['-e', 'setTimeout(() => {}, 600)']);
  await pause(50);
  writeFileSync(join(dir, START_LOCK_NAME), `${holder.pid}\n`);
  let ran = false;
  const waiting = withStartLock(dir, async () => { ran = true; });
  await pause(300);
  assert.equal(ran, false, 'waits while the holder lives');
  await holder;
  await waiting;
  assert.equal(ran, true, 'runs once the holder is gone');
});
