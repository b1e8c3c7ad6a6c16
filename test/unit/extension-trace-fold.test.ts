// C TRACE lines fold into one log line (count + the bundle file that holds them); the real trace logs of the C
// goldens are the input, so the count is what the C program printed.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { foldTraceLines, isTraceLine } from '../../src/extension/traceFold.ts';
import { runLogLines } from '../../src/extension/resultText.ts';

const GOLDENS = path.resolve(import.meta.dirname, '../fixtures/c-goldens');

test('isTraceLine: TRACE_C:, TRACE:, not words that merely contain TRACE', () => {
  assert.ok(isTraceLine('TRACE_C:fdet_after_rotz=0 0 1'));
  assert.ok(isTraceLine('TRACE:   ap 1 2 3'));
  assert.ok(isTraceLine('TRACE_C_PHI phi_tic=0 phi_deg=0'));
  assert.ok(!isTraceLine('no TRACE here'));
  assert.ok(!isTraceLine('TRACEBACK: not a trace'));
});

test('folds every TRACE line of a real C trace log into one line where the first stood', () => {
  const file = readdirSync(GOLDENS).find((f) => f.endsWith('.c.trace.log'))!;
  const lines = readFileSync(path.join(GOLDENS, file), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const traces = lines.filter((l) => /^\s*TRACE/.test(l)).length;
  assert.ok(traces > 20, `${file} has ${traces} TRACE lines`);
  const folded = foldTraceLines(lines, '/b/c_stdout_x.log');
  assert.equal(folded.length, lines.length - traces + 1);
  const at = lines.findIndex(isTraceLine);
  assert.equal(folded[at], `${traces} TRACE lines folded — all in /b/c_stdout_x.log`);
  assert.deepEqual(folded.filter((_, i) => i !== at), lines.filter((l) => !isTraceLine(l)), 'other lines unchanged, in order');
});

test('no TRACE lines: unchanged; one line: singular; no bundle file: says so', () => {
  assert.deepEqual(foldTraceLines(['a', 'b']), ['a', 'b']);
  assert.deepEqual(foldTraceLines(['a', 'TRACE_C: x=1', 'b']), ['a', '1 TRACE line folded (not kept: no bundle file)', 'b']);
});

test('runLogLines folds before truncating, so real output is not pushed out by TRACE lines', () => {
  const stdout = ['hello', ...Array.from({ length: 450 }, (_, i) => `TRACE_C:v${i}=${i}`), 'done'].join('\n');
  const lines = runLogLines('TC-D1', { engine: 'c', side: 'reference', fpixels: 0, spixels: 0, stdout, stderr: '', command: [], env: {}, cwd: '', wallMs: 0, exitCode: 0 }, 200, '/b/c.log');
  assert.deepEqual(lines.slice(1), [
    '[TC-D1 reference · c] stdout: hello',
    '[TC-D1 reference · c] stdout: 450 TRACE lines folded — all in /b/c.log',
    '[TC-D1 reference · c] stdout: done',
  ]);
});
