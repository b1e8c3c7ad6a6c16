// Parsed case files kept between CLI calls (src/core/cases/parseCache.ts, src/cli/caseCache.ts): the copy is used only
// for the same file and bytes, gives exactly what the parser gives, and lives only in a private existing folder.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedParse } from '../../src/core/cases/parseCache.ts';
import { loadCases } from '../../src/core/cases/index.ts';
import type { LoadResult } from '../../src/core/cases/caseFile.ts';
import { caseParseCacheDir } from '../../src/cli/caseCache.ts';
import { makeTempDirSync } from '../helpers/tempDirs.ts';

const MATRIX = fileURLToPath(new URL('../fixtures/matrix-55/parity_cases.yaml', import.meta.url));

function counting(result: (text: string) => LoadResult) {
  const calls: string[] = [];
  return { calls, parse: (text: string) => async () => { calls.push(text); return result(text); } };
}
const plain = (text: string): LoadResult => ({ cases: [], errors: [`parsed ${text.length} chars`] });

describe('parsed case files kept between calls', () => {
  it('parses once per file and content; an edit or another file parses again', async () => {
    const dir = makeTempDirSync('nb-case-cache-');
    const p = counting(plain);
    const a = await cachedParse(dir, '/ws/tests/parity_cases.yaml', 'one', p.parse('one'));
    const b = await cachedParse(dir, '/ws/tests/parity_cases.yaml', 'one', p.parse('one'));
    assert.deepEqual(b, a);
    assert.deepEqual(p.calls, ['one'], 'the second call used the copy');
    await cachedParse(dir, '/ws/tests/parity_cases.yaml', 'two', p.parse('two'));
    await cachedParse(dir, '/other/tests/parity_cases.yaml', 'two', p.parse('two'));
    assert.deepEqual(p.calls, ['one', 'two', 'two']);
    assert.equal(readdirSync(dir).filter((n) => n.endsWith('.json')).length, 2, 'one copy per file, replaced on edits');
  });

  it('never keeps a result that JSON would change, and survives a damaged copy', async () => {
    const dir = makeTempDirSync('nb-case-cache-');
    const odd = counting(() => ({ cases: [{ thresholds: { maxAbsDiff: Infinity } } as never], errors: [] }));
    await cachedParse(dir, '/ws/a.yaml', 'x', odd.parse('x'));
    const r = await cachedParse(dir, '/ws/a.yaml', 'x', odd.parse('x'));
    assert.equal(odd.calls.length, 2);
    assert.equal((r.cases[0] as unknown as { thresholds: { maxAbsDiff: number } }).thresholds.maxAbsDiff, Infinity);
    const p = counting(plain);
    await cachedParse(dir, '/ws/b.yaml', 'y', p.parse('y'));
    for (const n of readdirSync(dir)) writeFileSync(join(dir, n), '{ not json');
    assert.deepEqual(await cachedParse(dir, '/ws/b.yaml', 'y', p.parse('y')), plain('y'));
    assert.equal(p.calls.length, 2);
  });

  it('loadCases gives the same cases and errors from the copy as from the parser (the 55-run matrix file)', async () => {
    const ws = makeTempDirSync('nb-case-cache-ws-');
    mkdirSync(join(ws, 'tests'));
    cpSync(MATRIX, join(ws, 'tests/parity_cases.yaml'));
    const dir = makeTempDirSync('nb-case-cache-');
    const fresh = await loadCases(ws);
    assert.ok(fresh.cases.length > 50);
    const first = await loadCases(ws, { parseCacheDir: dir });
    assert.deepStrictEqual(first, JSON.parse(JSON.stringify(fresh)), 'first call: the parser\'s cases, less properties set to undefined');
    assert.deepStrictEqual(await loadCases(ws, { parseCacheDir: dir }), first, 'second call: from the copy, the same');
    assert.equal(readdirSync(dir).length, 1);
  });

  it('the CLI keeps copies only in an existing private runtime folder', () => {
    const base = makeTempDirSync('nb-case-cache-rt-');
    const rt = join(base, 'rt');
    assert.equal(caseParseCacheDir({ NB_PARITY_RUNTIME_DIR: rt }), undefined, 'missing: not created for this');
    mkdirSync(rt, { mode: 0o700 });
    chmodSync(rt, 0o700);
    assert.equal(caseParseCacheDir({ NB_PARITY_RUNTIME_DIR: rt }), rt);
    chmodSync(rt, 0o777);
    assert.equal(caseParseCacheDir({ NB_PARITY_RUNTIME_DIR: rt }), undefined, 'group/others may write there: refused');
  });
});
