// `nb-parity explain BUNDLE` on a bundle in the seed's own layout (c_tc_d1.bin, py_stdout_tc_d1.log, seed-style
// metrics.json), built from the real C/PyTorch outputs in test/fixtures/real-runs, in a temporary workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { explainCommand } from '../../src/cli/explain.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const FIX = path.join(import.meta.dirname, '../fixtures/real-runs');
const SEED_FIXTURE = 'reports/2025-11-source-weights/phase_a/20251009T071821Z/fixtures/two_sources.txt';

async function seedWorkspace() {
  const ws = await makeTempDir('nbp-explain-');
  const bundle = path.join(ws, 'reports/2025-11-source-weights/phase_e/20251009T120000Z');
  await fs.mkdir(bundle, { recursive: true });
  await fs.mkdir(path.join(ws, path.dirname(SEED_FIXTURE)), { recursive: true });
  await fs.copyFile(path.join(FIX, 'A.mat'), path.join(ws, 'A.mat'));
  await fs.copyFile(path.join(FIX, 'two_sources_commented.txt'), path.join(ws, SEED_FIXTURE));
  for (const s of ['tc_d1', 'tc_d3']) {
    await fs.copyFile(path.join(FIX, `c_${s}.bin`), path.join(bundle, `c_${s}.bin`));
    await fs.copyFile(path.join(FIX, `py_${s}.bin`), path.join(bundle, `py_${s}.bin`));
    await fs.copyFile(path.join(FIX, `c_${s}.stdout.log`), path.join(bundle, `c_stdout_${s}.log`));
    await fs.copyFile(path.join(FIX, `py_${s}.stdout.log`), path.join(bundle, `py_stdout_${s}.log`));
  }
  await fs.writeFile(path.join(bundle, 'metrics.json'), JSON.stringify({ tc_d1: { correlation: 0.0642, sum_ratio: 144.3 }, tc_d3: { correlation: 0.0704, sum_ratio: 141.7 } }));
  return { ws, bundle };
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    return { code: await fn(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('explain prints the table, writes attribution.json once, then attribution-2.json; never overwrites', async () => {
  const { ws, bundle } = await seedWorkspace();
  const first = await capture(() => explainCommand([bundle, '--workspace', ws, '--workers', '0']));
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /TC-D3: explained/);
  assert.match(first.out, /\+ defaultN=5/);
  assert.match(first.out, /TC-D1: explained/);
  const json = JSON.parse(await fs.readFile(path.join(bundle, 'attribution.json'), 'utf8'));
  assert.deepEqual(json.tc_d3.chosen.map((c: { fork: string }) => c.fork), ['defaultN']);
  assert.equal(json.tc_d3.modelImage, undefined);
  assert.equal((await fs.stat(path.join(bundle, 'model_tc_d3.bin'))).size, 65536 * 4);
  const before = await fs.readFile(path.join(bundle, 'attribution.json'));

  const second = await capture(() => explainCommand([bundle, '--workspace', ws, '--workers', '0', '--case', 'TC-D3', '--json', '--quiet']));
  assert.equal(second.code, 0, second.err);
  const printed = JSON.parse(second.out);
  assert.equal(printed.file, 'attribution-2.json');
  assert.equal(printed.attributions.tc_d3.status, 'explained');
  assert.deepEqual(await fs.readFile(path.join(bundle, 'attribution.json')), before);
  assert.ok((await fs.readdir(bundle)).includes('model_tc_d3-2.bin'));
});

test('explain errors are specific: missing bundle, unknown case, bad option', async () => {
  const { bundle } = await seedWorkspace();
  const missing = await capture(() => explainCommand(['/no/such/bundle']));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /\/no\/such\/bundle: not an evidence bundle folder/);
  const unknown = await capture(() => explainCommand([bundle, '--case', 'TC-X']));
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /no case TC-X \(it has TC-D1, TC-D3\)/);
  const bad = await capture(() => explainCommand([bundle, '--time-budget', '0']));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--time-budget 0: expected a positive number/);
  assert.deepEqual((await fs.readdir(bundle)).filter((f) => f.startsWith('attribution')), []);
});
