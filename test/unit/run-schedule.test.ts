// Longest-first start order (core/run/schedule.ts), mapLimit's start order with results kept in item order, and the
// earlier-runs lookups both come from (previousRunsMany).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseWallMs, longestFirstOrder, startOrder } from '../../src/core/run/schedule.ts';
import { previousRunsMany } from '../../src/core/compare/bundles.ts';
import { makeTempDirSync } from '../helpers/tempDirs.ts';
import { mapLimit } from '../../src/core/run/prepare.ts';

test('longestFirstOrder: unknown cases first in their order, then known ones slowest first, ties in case order', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const last = new Map([['a', 10], ['c', 300], ['d', 10], ['e', 50]]);
  assert.deepEqual(longestFirstOrder(ids, last).map((i) => ids[i]), ['b', 'c', 'e', 'a', 'd']);
  assert.deepEqual(longestFirstOrder(ids, new Map()), [0, 1, 2, 3, 4]);
});

test('caseWallMs: the slower side; undefined when a side has no time', () => {
  assert.equal(caseWallMs({ reference: { wallMs: 5 }, candidate: { wallMs: 9 } } as never), 9);
  assert.equal(caseWallMs({ reference: { wallMs: 5 }, candidate: {} } as never), undefined);
});

test('mapLimit: starts items in the given order, returns results in item order', async () => {
  const started: number[] = [];
  const out = await mapLimit(['x', 'y', 'z'], 1, async (item, i) => { started.push(i); return item.toUpperCase(); }, [2, 0, 1]);
  assert.deepEqual(started, [2, 0, 1]);
  assert.deepEqual(out, ['X', 'Y', 'Z']);
});

// ---- previousRunsMany: the earlier-runs lookups of a run (start order + matrix.md), one walk over the bundles ----

/** A bundle folder with a minimal bundle.json: case id → [reference engine, candidate engine, slower side's ms]. */
function writeBundle(ws: string, stamp: string, cases: Record<string, [string, string, number]>): string {
  const dir = join(ws, 'reports', 'ini', 'phase_x', stamp);
  mkdirSync(dir, { recursive: true });
  const list = Object.entries(cases).map(([caseId, [r, c, ms]]) => ({ caseId, reference: { engine: r, wallMs: ms }, candidate: { engine: c, wallMs: 1 }, files: {} }));
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify({ stamp, cases: list }));
  return dir;
}

test('previousRunsMany: each query its own limit and filter over one walk; startOrder uses the timing one', async () => {
  const ws = makeTempDirSync('nb-prevruns-');
  const oldest = writeBundle(ws, '20261201T000000Z', { a: ['c', 'torch', 900], b: ['c', 'torch', 10] });
  writeBundle(ws, '20261202T000000Z', { a: ['c', 'embedded', 50] });
  const newest = writeBundle(ws, '20261203T000000Z', { b: ['c', 'embedded', 70] });
  const own = writeBundle(ws, '20261204T000000Z', { a: ['c', 'torch', 1] }); // the run's own bundle is never "earlier"
  const q = previousRunsMany(ws, '20261204T000000Z', ['a', 'b', 'z'], own, {
    timing: { limit: 2 },
    torch: { accept: (c) => c.candidate.engine === 'torch' },
  });
  const timing = await q.timing, torch = await q.torch;
  // Two bundles read: a from 12-02, b from 12-03; z never ran.
  assert.deepEqual([...timing].map(([id, p]) => [id, p.stamp]).sort(), [['a', '20261202T000000Z'], ['b', '20261203T000000Z']]);
  assert.equal(timing.get('b')!.dir, newest);
  // Same engines only, all bundles: both from the oldest.
  assert.deepEqual([...torch].map(([id, p]) => [id, p.dir]).sort(), [['a', oldest], ['b', oldest]]);
  // a took 50 ms, b 70 ms there: b starts first when there are fewer slots than cases.
  assert.deepEqual(await startOrder(['a', 'b', 'z'], 2, q.timing), [2, 1, 0]);
  assert.deepEqual(await startOrder(['a', 'b'], 2, q.timing), [0, 1]);
});

test('previousRunsMany: no reports folder or no cases → empty maps, never a rejection', async () => {
  const ws = makeTempDirSync('nb-prevruns-empty-');
  const q = previousRunsMany(ws, '20261204T000000Z', ['a'], undefined, { x: {}, y: { limit: 1 } });
  assert.equal((await q.x).size, 0);
  assert.equal((await q.y).size, 0);
  const none = previousRunsMany(ws, '20261204T000000Z', [], undefined, { x: {} });
  assert.equal((await none.x).size, 0);
});
