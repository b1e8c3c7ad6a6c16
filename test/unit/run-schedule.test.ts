// Longest-first start order (core/run/schedule.ts) and mapLimit's start order with results kept in item order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseWallMs, longestFirstOrder } from '../../src/core/run/schedule.ts';
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
