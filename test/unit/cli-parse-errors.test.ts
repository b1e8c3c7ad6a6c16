// A mistyped option of any nb-parity subcommand: one line naming it and the nearest known option (exit 2), instead of
// node:util's "To specify a positional argument starting with a '-'…" followed by the whole usage text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { parseCommandArgs } from '../../src/cli/usage.ts';

const HELP = 'usage: nb-parity demo [--concurrency N] [--previous] [--json]';
const opts = { concurrency: { type: 'string' }, previous: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } } as const;

function errorOf(args: string[]): { code: number | object; text: string } {
  const saved = console.error;
  let text = '';
  console.error = (m: string) => { text += m; };
  try {
    return { code: parseCommandArgs('demo', HELP, () => parseArgs({ args, options: opts })), text };
  } finally {
    console.error = saved;
  }
}

test('unknown options: one line with a suggestion (edit distance, or the one option it starts), exit 2', () => {
  const typo = errorOf(['--concurency', '2']);
  assert.equal(typo.code, 2);
  assert.equal(typo.text, 'nb-parity demo: unknown option --concurency (did you mean "--concurrency"?); "nb-parity demo --help" lists the options');
  assert.match(errorOf(['--prev']).text, /unknown option --prev \(did you mean "--previous"\?\)/);
  assert.match(errorOf(['--zzzzzz']).text, /^nb-parity demo: unknown option --zzzzzz; "nb-parity demo --help"/);
  assert.doesNotMatch(errorOf(['--zzzzzz']).text, /usage:|positional/);
  assert.match(errorOf(['--concurrency']).text, /^nb-parity demo: Option '--concurrency <value>' argument missing; /);
  assert.equal((errorOf(['--json']).code as { values: { json?: boolean } }).values.json, true);
});
