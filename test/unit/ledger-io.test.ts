// File-side pieces of the ledger writer: the atomic replace that refuses a file changed since it was read, and the
// bundle → AttemptInput converters (our Bundle type and the tolerant metrics.json reader).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { atomicWriteIfUnchanged, attemptInputFromBundle, LedgerError, readAttemptInputFromDir, workspaceOfLedger } from '../../src/core/ledger/index.ts';
import type { Bundle, CaseResult, EngineRun } from '../../src/shared/types.ts';
import { makeTempDirSync } from '../helpers/tempDirs.ts';

const dir = makeTempDirSync('nb-ledger-io-');

describe('atomicWriteIfUnchanged', () => {
  it('replaces the file, keeps its mode, leaves no temp file', async () => {
    const f = path.join(dir, 'fix_plan.md');
    writeFileSync(f, 'a\r\nb');
    chmodSync(f, 0o640);
    await atomicWriteIfUnchanged(f, readFileSync(f), 'a\r\nb\r\nc');
    assert.equal(readFileSync(f, 'utf8'), 'a\r\nb\r\nc');
    assert.equal(statSync(f).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir).filter((x) => x.endsWith('.tmp')), []);
  });

  it('refuses when the file changed since it was read, and writes nothing', async () => {
    const f = path.join(dir, 'changed.md');
    writeFileSync(f, 'original\n');
    const seen = readFileSync(f);
    writeFileSync(f, 'someone else edited\n');
    await assert.rejects(atomicWriteIfUnchanged(f, seen, 'ours\n'), (e: unknown) => e instanceof LedgerError && e.code === 'changed' && e.message.includes(f));
    assert.equal(readFileSync(f, 'utf8'), 'someone else edited\n');
    assert.deepEqual(readdirSync(dir).filter((x) => x.endsWith('.tmp')), []);
  });
});

const run = (side: 'reference' | 'candidate', engine: 'c' | 'torch'): EngineRun => ({ engine, side, fpixels: 4, spixels: 4, stdout: '', stderr: '', command: [], env: {}, cwd: '', wallMs: 1 });
const caseResult = (id: string, status: 'pass' | 'fail' | 'error', corr: number | null): CaseResult => ({
  caseId: id, label: id, fileStem: id.toLowerCase(), flags: [], thresholds: { corrMin: 0.999 },
  reference: run('reference', 'c'), candidate: run('candidate', 'torch'),
  metrics: corr === null ? undefined : { pixels: 16, correlation: corr, sumRatio: 1.5, mse: 1, rmse: 1, maxAbsDiff: 2, maxAbsDiffAt: null, sumReference: 1, sumCandidate: 1.5, meanReference: 0, meanCandidate: 0, nanReference: 0, nanCandidate: 0, infReference: 0, infCandidate: 0, finitePixels: 16, argmaxReference: 0, argmaxCandidate: 0, peakDistance: 0 },
  verdict: { status, reason: 'r', failed: [] },
  mismatches: [
    { field: 'nCells', reference: '1×1×1', candidate: '5×5×5', explanation: 'x', severity: 'critical' },
    { field: 'oversample', reference: '1', candidate: '1', explanation: 'x', severity: 'info' },
  ],
  preflight: [], files: {},
});

describe('bundle → AttemptInput', () => {
  it('from our Bundle: overall verdict, engines, workspace-relative path, mismatches without info-level ones', () => {
    const ws = path.join(dir, 'ws');
    const b: Bundle = { dir: path.join(ws, 'reports/i/phase_e/20251112T101500Z'), stamp: '20251112T101500Z', layout: 'nb-parity/1', createdAt: '2025-11-12T10:15:00Z', cases: [caseResult('TC-D1', 'pass', 0.9999), caseResult('TC-D3', 'fail', 0.06)] };
    const a = attemptInputFromBundle(b, ws, 'n');
    assert.equal(a.verdict, 'fail');
    assert.equal(a.date, '2025-11-12');
    assert.equal(a.bundlePath, 'reports/i/phase_e/20251112T101500Z/');
    assert.equal(a.engines, 'torch vs c');
    assert.deepEqual(a.mismatches, ['nCells 1×1×1 vs 5×5×5']);
    assert.equal(attemptInputFromBundle({ ...b, cases: [caseResult('TC-D1', 'pass', 1), caseResult('TC-D3', 'error', null)] }, ws).verdict, 'error');
    assert.equal(attemptInputFromBundle({ ...b, cases: [] }, ws).verdict, 'error');
  });

  it('tolerant reader: seed layout judged with the seed thresholds, listed camelCase cases, specific errors', async () => {
    const seed = path.join(dir, 'ws/reports/x/phase_e/20251009T104310Z');
    mkdirSync(seed, { recursive: true });
    writeFileSync(path.join(seed, 'metrics.json'), JSON.stringify({ tc_d1: { correlation: 0.9995, sum_ratio: 1.0004 }, tc_d3: { correlation: 0.9995, sum_ratio: 1.002 } }));
    const a = await readAttemptInputFromDir(seed, path.join(dir, 'ws'));
    assert.deepEqual(a.cases.map((c) => c.status), ['pass', 'fail']);
    assert.match(a.verdictSource!, /seed's corr ≥ 0\.999/);
    assert.deepEqual(a.files, ['metrics.json']);

    const listed = path.join(dir, 'listed');
    mkdirSync(listed);
    writeFileSync(path.join(listed, 'metrics.json'), JSON.stringify({ cases: [{ caseId: 'TC-D1', correlation: 0.5, sumRatio: 2, rmse: 0.1, maxAbsDiff: 3, verdict: { status: 'fail', reason: 'low' } }] }));
    writeFileSync(path.join(listed, 'attribution.json'), JSON.stringify({ cases: { 'TC-D1': { status: 'explained', chosen: { defaultN: '5', sourceParser: 'c' } } } }));
    const b = await readAttemptInputFromDir(listed, dir);
    assert.equal(b.cases[0]!.maxAbsDiff, 3);
    assert.deepEqual(b.forks, ['defaultN=5', 'sourceParser=c']);

    await assert.rejects(readAttemptInputFromDir(path.join(dir, 'none'), dir), /no such folder/);
    const bad = path.join(dir, 'bad');
    mkdirSync(bad);
    await assert.rejects(readAttemptInputFromDir(bad, dir), /metrics\.json: missing; a bundle without metrics cannot be recorded/);
    writeFileSync(path.join(bad, 'metrics.json'), '{"tc_d1": ');
    await assert.rejects(readAttemptInputFromDir(bad, dir), /metrics\.json: not valid JSON/);
  });

  it('workspace of a ledger: parent of docs/, else its folder', () => {
    assert.equal(workspaceOfLedger('/w/docs/fix_plan.md'), '/w');
    assert.equal(workspaceOfLedger('/w/alt/fix_plan.md'), '/w/alt');
  });
});
