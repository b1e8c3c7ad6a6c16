// The host's Disposable base (src/extension/disposable.ts): owned resources go once, in registration order, even
// when one throws; a resource registered after dispose is disposed at once; subclasses see isDisposed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable } from '../../src/extension/disposable.ts';

class Owner extends Disposable {
  own(d: { dispose(): void }): void { this._register(d); }
  get gone(): boolean { return this.isDisposed; }
}

test('dispose: every owned resource once, in registration order, and again is a no-op', () => {
  const log: string[] = [];
  const o = new Owner();
  o.own({ dispose: () => log.push('a') });
  o.own({ dispose: () => log.push('b') });
  assert.equal(o.gone, false);
  o.dispose();
  o.dispose();
  assert.deepEqual(log, ['a', 'b']);
  assert.equal(o.gone, true);
});

test('a resource registered after dispose is disposed at once', () => {
  const o = new Owner();
  o.dispose();
  let n = 0;
  o.own({ dispose: () => n++ });
  assert.equal(n, 1);
});

test('one throwing resource does not keep the others alive; its error is rethrown', () => {
  const log: string[] = [];
  const o = new Owner();
  o.own({ dispose: () => { throw new Error('boom'); } });
  o.own({ dispose: () => log.push('after') });
  assert.throws(() => o.dispose(), /boom/);
  assert.deepEqual(log, ['after']);
  const two = new Owner();
  two.own({ dispose: () => { throw new Error('x'); } });
  two.own({ dispose: () => { throw new Error('y'); } });
  assert.throws(() => two.dispose(), (e: unknown) => e instanceof AggregateError && e.errors.length === 2);
});
