// False config mismatches on passing runs: for every c-goldens case (real C stdout, test/fixtures/c-goldens,
// copied from ../shared/reference/c-goldens) the embedded engine with preset c reproduces the image byte for byte
// (simulator-goldens.test.ts), so the config diff between the real C stdout and the embedded stdout must be empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '../../src/core/simulator/index.ts';
import { parseEffectiveConfig } from '../../src/core/diagnosis/effectiveConfig.ts';
import { diffConfigs } from '../../src/core/diagnosis/configDiff.ts';

const dir = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
const cases = readFileSync(`${dir}manifest.jsonl`, 'utf8').trim().split('\n')
  .map((l) => JSON.parse(l) as { id: string; fpixels: number; spixels: number; flags: string; c_log: string });

test('the manifest lists 15 cases, each with a C log', () => {
  assert.equal(cases.length, 15);
  for (const c of cases) assert.ok(readFileSync(`${dir}${c.c_log}`, 'utf8').includes('convention selected'), c.c_log);
});

for (const c of cases) {
  test(`c-golden ${c.id}: real C stdout vs embedded (preset c) stdout → no config mismatch`, async () => {
    const args = [...c.flags.split(/\s+/), '-detpixels_x', String(c.fpixels), '-detpixels_y', String(c.spixels), '-nonoise', '-nopgm', '-noprogress'];
    const r = await simulate({ args, cwd: dir, workers: 0, ompThreads: 2, writeFloatfile: false });
    const cCfg = parseEffectiveConfig(readFileSync(`${dir}${c.c_log}`, 'utf8'), 'c', { flags: args });
    const eCfg = parseEffectiveConfig(r.stdout, 'embedded', { flags: args });
    assert.equal(eCfg.embedded?.preset, 'c');
    // Both the parsed stdout and the engine's own EffectiveConfig (what a parity run uses for the embedded side).
    const all = [eCfg, r.effectiveConfig].flatMap((e) => [
      diffConfigs(cCfg, e, { reference: 'c', candidate: 'embedded' }), diffConfigs(e, cCfg, { reference: 'embedded', candidate: 'c' })]);
    for (const d of all) assert.deepEqual(d.map((m) => `${m.field}: ${m.reference} vs ${m.candidate}`), []);
  });
}
