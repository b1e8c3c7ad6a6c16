// The Test Explorer tree and the case quick pick from the real demo workspace's cases (loadCases on
// examples/demo-workspace): yaml case → its runs, built-ins apart, "all runs of …" and "failed last time" rows.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadCases } from '../../src/core/cases/index.ts';
import { BUILTIN_GROUP, buildCaseTree, caseDescription, casePickRows, MULTI_PICK_HINT, parentIdOf, pickedCases, thresholdsText } from '../../src/extension/caseTree.ts';
import type { CaseResult } from '../../src/shared/types.ts';

const DEMO = path.resolve(import.meta.dirname, '../../examples/demo-workspace');

describe('case tree', async () => {
  const { cases, errors } = await loadCases(DEMO);

  it('groups each yaml case\'s runs under it, built-ins in their own group at the end', () => {
    assert.deepEqual(errors, []);
    const roots = buildCaseTree(cases);
    const mat = roots.find((r) => r.label === 'DEMO-MAT-N1')!;
    assert.deepEqual(mat.children.map((c) => c.label), ['detpixels-64', 'detpixels-128']);
    assert.deepEqual(mat.caseIds, ['DEMO-MAT-N1/detpixels-64', 'DEMO-MAT-N1/detpixels-128']);
    assert.equal(mat.description, '2 runs');
    const builtin = roots.at(-1)!;
    assert.equal(builtin.id, BUILTIN_GROUP);
    assert.deepEqual(builtin.caseIds, ['TC-D1', 'TC-D3']);
    // Every case appears exactly once, as a leaf.
    const leaves = roots.flatMap((r) => (r.children.length ? r.children : [r])).map((n) => n.caseDef!.id);
    assert.deepEqual([...leaves].sort(), cases.map((c) => c.id).sort());
    assert.equal(parentIdOf({ id: 'TC-D1', source: 'builtin' }), undefined);
  });

  it('describes a case by its thresholds, last result and description', () => {
    const run = cases.find((c) => c.id === 'DEMO-MAT-DIV/n3-detpixels-96')!;
    assert.equal(thresholdsText(run.thresholds), 'corr ≥ 0.99 · sum ratio in [0.99, 1.01]');
    assert.match(caseDescription(run), /^corr ≥ 0\.99 · sum ratio in \[0\.99, 1\.01\] · not run yet · Horizontal divergence/);
    const result = { caseId: run.id, verdict: { status: 'fail', reason: 'corr below 0.99' }, metrics: { correlation: 0.97123456, sumRatio: 1.5 } } as unknown as CaseResult;
    assert.match(caseDescription(run, { result, stamp: '20251128T010203Z' }, 20), /last 20251128T010203Z: FAIL corr 0\.971235, sum ratio 1\.500000 · Horizontal divergen…$/);
  });

  it('quick pick: failed-last-time first, a separator and "all runs of" per case, picks resolve to cases once', () => {
    const last = new Map([['DEMO-MAT-N1/detpixels-64', { status: 'fail' as const, line: 'x' }], ['TC-D1', { status: 'pass' as const, line: 'y' }]]);
    const rows = casePickRows(cases, last);
    assert.equal(rows[0]!.kind, 'failed');
    assert.deepEqual(rows[0]!.caseIds, ['DEMO-MAT-N1/detpixels-64']);
    const sep = rows.findIndex((r) => r.kind === 'separator' && r.label === 'DEMO-MAT-N1');
    assert.equal(rows[sep + 1]!.label, '$(list-tree) All runs of DEMO-MAT-N1 (2)');
    assert.match(rows[sep + 2]!.label, /^\$\(error\) DEMO-MAT-N1\/detpixels-64$/);
    const all = rows[sep + 1]!;
    const picked = pickedCases(cases, [all, rows[sep + 2]!, rows.find((r) => r.caseIds[0] === 'TC-D3')!]);
    assert.deepEqual(picked.map((c) => c.id), ['DEMO-MAT-N1/detpixels-64', 'DEMO-MAT-N1/detpixels-128', 'TC-D3'].sort((a, b) => cases.findIndex((c) => c.id === a) - cases.findIndex((c) => c.id === b)));
    assert.ok(!rows.some((r) => r.kind === 'failed' && r.caseIds.includes('TC-D1')), 'a pass is not "failed last time"');
    assert.doesNotMatch(MULTI_PICK_HINT, /space/i, 'Space in a quick pick types into the filter');
  });
});
