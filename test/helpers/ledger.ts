// Shared by the ledger tests: fixture access and the "delete the inserted lines" inverse.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitLines, type AttemptInput } from '../../src/core/ledger/index.ts';

export const LEDGERS = fileURLToPath(new URL('../fixtures/ledgers/', import.meta.url));
export const PLANS = fileURLToPath(new URL('../fixtures/plans/', import.meta.url));

export function readFixture(dir: string, name: string): { buf: Buffer; text: string } {
  const buf = readFileSync(dir + name);
  return { buf, text: buf.toString('utf8') };
}

/**
 * Removes `count` whole lines starting at line `from` (0-based). When they are the last lines of a file that ends
 * without a newline, the terminator before them goes too: that is what "deleting those lines" means in an editor.
 */
export function deleteLines(text: string, from: number, count: number): string {
  const lines = splitLines(text);
  const first = lines[from]!;
  const last = lines[from + count - 1]!;
  if (last.eol === '' && from > 0) return text.slice(0, lines[from - 1]!.end);
  return text.slice(0, first.start) + text.slice(last.next);
}

export const PASS_INPUT: AttemptInput = {
  date: '2025-11-12',
  stamp: '20251112T101500Z',
  bundlePath: 'reports/2025-11-source-weights/phase_e/20251112T101500Z/',
  verdict: 'pass',
  engines: 'torch vs c',
  cases: [
    { caseId: 'TC-D1', status: 'pass', correlation: 0.999994, sumRatio: 1.000012, rmse: 1.2e-5, maxAbsDiff: 3.1e-4 },
    { caseId: 'TC-D3', status: 'pass', correlation: 0.999991, sumRatio: 0.999871, rmse: 2.5e-5, maxAbsDiff: 4.4e-4 },
  ],
  mismatches: [],
  forks: [],
  files: ['metrics.json', 'summary.md', 'commands.txt'],
};
