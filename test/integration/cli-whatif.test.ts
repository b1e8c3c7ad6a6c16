// `nb-parity run --what-if`: the real CLI on a copy of the demo workspace, embedded simulator on both sides (the
// user's C binary and PyTorch port cannot exist in CI). TC-D3 fails because the presets' default -N differ; the
// diagnosis suggests the same -N on both sides, and the what-if with that fix must pass, marked and unrecordable.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { copyDemoWorkspaceSync } from '../helpers/demoWorkspace.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'bin/nb-parity.mjs');
const ENGINES = ['--candidate', 'embedded', '--candidate-preset', 'pytorch', '--reference', 'embedded', '--reference-preset', 'c'];
const nb = (args: string[], cwd: string) => execa('node', [CLI, ...args], { cwd, reject: false, timeout: 120_000 });

describe('nb-parity run --what-if (real CLI)', () => {
  let ws: string;
  before(() => {
    assert.ok(existsSync(path.join(ROOT, 'dist/cli.mjs')), 'dist/cli.mjs missing: run npm run build');
    ws = copyDemoWorkspaceSync('nb-whatif-');
  });

  it('TC-D3 fails with a -N diagnosis; the what-if with the same -N on both sides passes in a marked bundle that record refuses', async () => {
    const orig = await nb(['run', 'TC-D3', '--workspace', ws, ...ENGINES, '--json', '--quiet'], ws);
    assert.equal(orig.exitCode, 1, orig.stderr);
    const o = JSON.parse(orig.stdout);
    assert.ok(o.cases[0].mismatches.some((m: { field: string }) => m.field === 'nCells'), 'the diagnosis names the N cells difference');
    assert.ok(o.cases[0].preflight.some((p: { message: string }) => /-N 1/.test(p.message)), 'preflight suggests -N 1');

    // The suggestion the panel's "Run with this fix" offers, as data: the first is the same -N as the reference.
    assert.deepEqual(o.cases[0].suggestions.map((x: { flags: string[] }) => x.flags.join(' ')), ['-N 1', '-N 5']);
    assert.deepEqual(o.cases[0].suggestions[0].from, ['config-diff', 'preflight']);
    const wi = await nb(['run', 'TC-D3', '--workspace', ws, ...ENGINES, `--what-if=${o.cases[0].suggestions[0].flags.join(' ')}`, '--json', '--quiet'], ws);
    assert.equal(wi.exitCode, 0, `the what-if passes: ${wi.stderr}\n${wi.stdout}`);
    const w = JSON.parse(wi.stdout);
    assert.notEqual(w.bundle, o.bundle, 'a new bundle');
    assert.equal(w.cases[0].caseId, 'TC-D3~whatif');
    assert.equal(w.cases[0].verdict, 'pass');
    assert.ok(w.cases[0].metrics.correlation > o.cases[0].metrics.correlation);
    const json = JSON.parse(readFileSync(path.join(w.bundle, 'bundle.json'), 'utf8'));
    assert.deepEqual(json.whatIf, { flags: ['-N', '1'], of: ['TC-D3'] });
    assert.deepEqual(w.cases[0].suggestions, [], 'a what-if suggests nothing more');

    const rec = await nb(['record', '--ledger', 'docs/fix_plan.md', '--item', 'SOURCE-WEIGHT-001', '--bundle', path.relative(ws, w.bundle), '--dry-run'], ws);
    assert.notEqual(rec.exitCode, 0, rec.stdout);
    assert.match(rec.stderr, /never recorded as the case itself/);
    assert.equal(readFileSync(path.join(ws, 'docs/fix_plan.md'), 'utf8'), readFileSync(path.join(ROOT, 'examples/demo-workspace/docs/fix_plan.md'), 'utf8'));
  });

  it('refuses --what-if without flags', async () => {
    const r = await nb(['run', 'TC-D3', '--workspace', ws, ...ENGINES, '--what-if=N', '--quiet'], ws);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /expected flags starting with -/);
  });
});
