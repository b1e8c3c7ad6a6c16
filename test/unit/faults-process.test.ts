// Issue 12 item 5: a program that exits 0 but leaves a background child holding stdout open. A stand-in shell
// script plays the user's C binary (the real one cannot be in CI). Written to fail on the code before the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlive, runProcess } from '../../src/core/engines/process.ts';

test('finishes on the program\'s exit, keeps its output, and kills the background child holding stdout', async () => {
  const t0 = Date.now();
  const r = await runProcess({ file: 'sh', args: ['-c', 'echo image-written; sleep 100 & echo $! >&2; exit 0'], cwd: '/tmp', timeoutMs: 8000 });
  const ms = Date.now() - t0;
  assert.equal(r.timedOut, false, `timed out after ${ms} ms`);
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /image-written/);
  assert.ok(ms < 5000, `took ${ms} ms`);
  const bg = Number(r.stderr.trim());
  assert.ok(bg > 0, r.stderr);
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(isAlive(bg), false, `background sleep ${bg} survived`);
});
