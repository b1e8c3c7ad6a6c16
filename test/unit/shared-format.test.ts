// The shared number formatter and flag-list reader: every surface (webview, bundle texts, ledger, CLI) goes through
// these, so their edge cases (missing, NaN, ±Inf, 0, exponent bounds, trailing flags) are pinned here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, fmtFixed, fmtNumber, JS_SPECIALS, SIG4 } from '../../src/shared/format.ts';
import { flagArgs, flagNumber, flagValue } from '../../src/shared/flagList.ts';

test('formatNumber: specials take the spellings asked for, defaults n/a NaN +inf -inf', () => {
  const f = { form: 'fixed', digits: 2 } as const;
  assert.deepEqual([null, undefined, NaN, Infinity, -Infinity].map((v) => formatNumber(v, f)), ['n/a', 'n/a', 'NaN', '+inf', '-inf']);
  assert.deepEqual([NaN, Infinity, -Infinity].map((v) => formatNumber(v, { ...f, ...JS_SPECIALS })), ['NaN', 'Infinity', '-Infinity']);
  assert.equal(formatNumber(undefined, { ...SIG4, missing: '—' }), '—');
});

test('formatNumber: fixed and significant forms, exponent outside the plain range, 0 always plain', () => {
  assert.equal(formatNumber(0.5, { form: 'fixed', digits: 3 }), '0.500');
  assert.equal(formatNumber(0, { form: 'fixed', digits: 3, plain: [1e-4, 1e7] }), '0.000');
  assert.equal(formatNumber(2.5e-5, { form: 'fixed', digits: 6, plain: [1e-4, 1e7], exponentDigits: 5 }), '2.50000e-5');
  assert.equal(formatNumber(123.456789, { form: 'significant', digits: 4 }), '123.5');
  assert.equal(formatNumber(0, SIG4), '0');
  assert.equal(formatNumber(123456, SIG4), '1.235e+5');
  assert.equal(formatNumber(2.5e-5, { form: 'significant', digits: 6, plain: [1e-3, 1e6], exponentDigits: 3, trimExponent: true }), '2.5e-5');
  assert.equal(formatNumber(3e-5, { form: 'significant', digits: 6, plain: [1e-3, 1e6], exponentDigits: 3, trimExponent: true }), '3e-5');
  assert.equal(fmtFixed(0.99999412), '0.999994');
  assert.equal(fmtNumber(0.0001234), '1.234e-4');
  assert.equal(fmtNumber(-Infinity), '-inf');
});

test('flag list: the last occurrence that has its values wins; a trailing flag without a value is ignored', () => {
  const flags = ['-lambda', '1', '-N', '5', '-lambda', '6.2', '-beam', '0', '0', '1', '-lambda'];
  assert.equal(flagValue(flags, '-lambda'), '6.2');
  assert.equal(flagValue(flags, ['-Na', '-N']), '5');
  assert.deepEqual(flagArgs(flags, ['-beam'], 3), ['0', '0', '1']);
  assert.equal(flagArgs(flags, ['-beam'], 4)?.length, 4);
  assert.equal(flagArgs(['-beam', '0', '0'], ['-beam'], 3), undefined);
  assert.equal(flagValue(flags, '-missing'), undefined);
  assert.equal(flagNumber(flags, '-lambda'), 6.2);
  assert.equal(flagNumber(['-lambda', 'abc'], '-lambda'), undefined);
});
