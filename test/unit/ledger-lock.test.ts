// The ledger lock (issue 12 item 1): O_EXCL lock file naming its holder; a dead holder's lock or a stale one is taken
// over, a live holder's is waited for and then refused with its name. Real processes give real dead/live pids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { lockPathFor, withFileLock } from '../../src/core/ledger/index.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const holder = (pid: number, host = hostname()) => `${JSON.stringify({ pid, hostname: host, createdAt: new Date().toISOString(), token: 't' })}\n`;

test('a lock left by a dead pid on this host is recovered; the lock is removed afterwards', async () => {
  const dir = await makeTempDir('nb-lock-');
  const file = join(dir, 'fix_plan.md');
  await writeFile(file, '# x\n');
  const dead = await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  await writeFile(lockPathFor(file), holder(Number(dead.stdout)));
  let ran = false;
  await withFileLock(file, async () => {
    ran = true;
    assert.match(await readFile(lockPathFor(file), 'utf8'), new RegExp(`"pid":${process.pid}`), 'the lock names its new holder');
  }, { waitMs: 2000 });
  assert.ok(ran);
  assert.deepEqual((await readdir(dir)).sort(), ['fix_plan.md'], 'lock (or a stale-aside file) left behind');
});

test('a live holder is waited for, then refused naming pid, host and the lock file; an old lock is stale', async () => {
  const dir = await makeTempDir('nb-lock-');
  const file = join(dir, 'fix_plan.md');
  await writeFile(file, '# x\n');
  const lock = lockPathFor(file);
  const live = holder(process.pid); // this very process: alive
  await writeFile(lock, live);
  await assert.rejects(withFileLock(file, async () => assert.fail('ran without the lock'), { waitMs: 300 }),
    (e: Error) => e.message.includes(`pid ${process.pid} on ${hostname()}`) && e.message.includes(lock) && /nothing was written/.test(e.message));
  assert.equal(await readFile(lock, 'utf8'), live, 'a live lock was touched');
  // Another host's lock cannot be checked by pid: only its age makes it stale.
  await writeFile(lock, holder(1, 'elsewhere.example'));
  await assert.rejects(withFileLock(file, async () => undefined, { waitMs: 200, staleMs: 60_000 }), /elsewhere\.example/);
  const old = new Date(Date.now() - 120_000);
  await utimes(lock, old, old);
  let ran = false;
  await withFileLock(file, async () => { ran = true; }, { waitMs: 2000, staleMs: 60_000 });
  assert.ok(ran, 'a lock older than the stale timeout was not taken over');
});

test('in-process contenders are serialised: no two inside the lock at once', async () => {
  const dir = await makeTempDir('nb-lock-');
  const file = join(dir, 'f');
  await writeFile(file, '0');
  let inside = 0;
  let most = 0;
  await Promise.all(Array.from({ length: 12 }, () => withFileLock(file, async () => {
    inside++; most = Math.max(most, inside);
    const n = Number(await readFile(file, 'utf8'));
    await new Promise((r) => setTimeout(r, 5));
    await writeFile(file, String(n + 1));
    inside--;
  })));
  assert.equal(most, 1);
  assert.equal(await readFile(file, 'utf8'), '12');
});
