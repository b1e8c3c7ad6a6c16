// What-if runs: the suggested flag goes on both sides of a suffixed copy of the case, bundle.json carries the
// marker through a write/read round trip, and `record`'s verifyBundle refuses such a bundle (and a suffixed case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { whatIfCase, whatIfMarker, withFlags, WHAT_IF_SUFFIX } from '../../src/core/cases/whatIf.ts';
import { bundleJson } from '../../src/core/evidence/bundleJson.ts';
import { readBundle } from '../../src/core/evidence/index.ts';
import { verifyBundle } from '../../src/core/ledger/verifyBundle.ts';
import { LedgerError } from '../../src/core/ledger/edits.ts';
import type { Bundle, Case } from '../../src/shared/types.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const base: Case = { id: 'TC-D3', label: 'TC-D3', source: 'builtin' as Case['source'], flags: ['-N', '1', '-lambda', '1.0', '-floatfile_not'], fileStem: 'tc_d3', thresholds: { minCorrelation: 0.999 } as Case['thresholds'] };

test('withFlags replaces a flag value in place, appends a new flag, keeps everything else', () => {
  assert.deepEqual(withFlags(['-N', '1', '-lambda', '1.0'], ['-N', '5']), ['-N', '5', '-lambda', '1.0']);
  assert.deepEqual(withFlags(['-lambda', '1.0'], ['-N', '5']), ['-lambda', '1.0', '-N', '5']);
  assert.deepEqual(withFlags(['-lambda', '1.0'], ['-nopolar']), ['-lambda', '1.0', '-nopolar']);
});

test('whatIfCase: suffixed id and file stem, the flag on the (shared) flags, and no what-if of a what-if', () => {
  const w = whatIfCase(base, ['-N', '5']);
  assert.equal(w.id, `TC-D3${WHAT_IF_SUFFIX}`);
  assert.equal(w.fileStem, 'tc_d3_whatif');
  assert.deepEqual(w.flags.slice(0, 2), ['-N', '5']);
  assert.deepEqual(base.flags.slice(0, 2), ['-N', '1'], 'the original case is untouched');
  assert.throws(() => whatIfCase(w, ['-N', '5']), /already a what-if/);
  assert.deepEqual(whatIfMarker([base], ['-N', '5'], 'same -N'), { flags: ['-N', '5'], of: ['TC-D3'], reason: 'same -N' });
});

async function bundleDir(b: Omit<Bundle, 'dir'>): Promise<string> {
  const dir = join(await makeTempDir('whatif-'), b.stamp);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'bundle.json'), bundleJson({ ...b, dir }, { reference: 'c', candidate: 'torch' }));
  return dir;
}

test('bundle.json keeps the what-if marker; record (verifyBundle) refuses the bundle before anything else', async () => {
  const dir = await bundleDir({ stamp: '20261202T140000Z', layout: '1', createdAt: '2026-12-02T14:00:00Z', cases: [], whatIf: whatIfMarker([base], ['-N', '5']) });
  const b = await readBundle(dir);
  assert.deepEqual(b.whatIf, { flags: ['-N', '5'], of: ['TC-D3'] });
  await assert.rejects(verifyBundle(b), (e: unknown) => e instanceof LedgerError && e.code === 'whatif' && /never recorded as the case itself/.test(e.message) && /-N 5/.test(e.message));
  // Without the marker, a suffixed case id is refused just the same.
  const unmarked = { ...b, whatIf: undefined, cases: [{ caseId: `TC-D3${WHAT_IF_SUFFIX}` } as Bundle['cases'][number]] };
  await assert.rejects(verifyBundle(unmarked), /case TC-D3~whatif is a what-if/);
  // An ordinary bundle is not refused for this reason (it fails later: no completion marker).
  await assert.rejects(verifyBundle({ ...b, whatIf: undefined }), (e: unknown) => e instanceof LedgerError && e.code === 'incomplete');
});

test('"Run with this fix" tries the fix on the case as the bundle ran it: recorded flags, thresholds and ROI over today\'s definition', async () => {
  const { caseAsRun } = await import('../../src/extension/commands/whatIf.ts');
  const run = { engine: 'embedded' as const, fpixels: 1, spixels: 1, stdout: '', stderr: '', command: [], env: {}, cwd: '', wallMs: 1 };
  const recorded = { caseId: 'TC-D3', label: 'TC-D3 as run', fileStem: 'tc_d3', flags: ['-lambda', '1.0'], thresholds: { corrMin: 0.9 }, roi: { x0: 1, x1: 2, y0: 3, y1: 4 },
    reference: { ...run, side: 'reference' as const }, candidate: { ...run, side: 'candidate' as const }, verdict: { status: 'fail' as const, reason: '', failed: [] }, mismatches: [], preflight: [], files: {} };
  const b: Bundle = { dir: '/b', stamp: 'S', layout: '1', createdAt: '', cases: [recorded] };
  const today: Case = { ...base, flags: ['-N', '7'], embedded: { candidate: { preset: 'pytorch' } }, location: { file: '/ws/cases.json', line: 3 } };
  const c = caseAsRun(b, 'TC-D3', today)!;
  assert.deepEqual([c.flags, c.thresholds, c.roi, c.label], [['-lambda', '1.0'], { corrMin: 0.9 }, recorded.roi, 'TC-D3 as run']);
  assert.deepEqual([c.embedded, c.location], [today.embedded, today.location], 'embedded options and location from today\'s definition');
  assert.deepEqual(whatIfCase(c, ['-N', '1']).flags, ['-lambda', '1.0', '-N', '1']);
  assert.equal(caseAsRun(b, 'TC-D1', undefined), undefined);
  assert.equal(caseAsRun(b, 'TC-D3', undefined)?.source, 'user', 'a case no longer defined runs as recorded');
});
