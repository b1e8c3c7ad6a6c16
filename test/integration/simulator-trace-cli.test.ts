// `nb-parity simulate … -trace_pixel S F` through the real CLI bundle (after `npm run build`): the pixel block on
// stdout equals the real C trace (test/fixtures/c-goldens), whatever the worker count, and the float file is
// still the C golden.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { makeTempDir } from '../helpers/tempDirs.ts';

const dir = fileURLToPath(new URL('../fixtures/c-goldens/', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/nb-parity.mjs', import.meta.url));
const manifest = readFileSync(`${dir}manifest.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; fpixels: number; spixels: number; flags: string; c_image: string });
const traces = JSON.parse(readFileSync(`${dir}traces.json`, 'utf8')) as { id: string; slow: number; fast: number; trace: string }[];
const pixelBlock = (text: string): string[] => text.split('\n').filter((l) => /^(TRACE_CONFIG: |TRACE_C: |TRACE_C_PHI |TRACE_C_SOURCE2: )/.test(l));

for (const id of ['phi3', 'div2d']) {
  test(`nb-parity simulate ${id} -trace_pixel: C's pixel block on stdout with --workers 1 and 3, golden float file`, async () => {
    const c = manifest.find((m) => m.id === id)!;
    const t = traces.find((x) => x.id === id)!;
    const want = pixelBlock(readFileSync(`${dir}${t.trace}`, 'utf8'));
    const out = await makeTempDir('nb-trace-cli-');
    for (const workers of ['1', '3']) {
      const file = join(out, `${id}_w${workers}.bin`);
      const args = [bin, 'simulate', ...c.flags.split(/\s+/), '-detpixels_x', String(c.fpixels), '-detpixels_y', String(c.spixels),
        '-nonoise', '-nopgm', '-noprogress', '-trace_pixel', String(t.slow), String(t.fast), '-floatfile', file, '--workers', workers, '--omp-threads', '2'];
      const r = await execa('node', args, { cwd: dir, reject: false });
      assert.equal(r.exitCode, 0, r.stderr);
      assert.deepEqual(pixelBlock(r.stdout), want, `workers ${workers}`);
      assert.ok(readFileSync(file).equals(readFileSync(`${dir}${c.c_image}`)), `workers ${workers}: float file is the C golden`);
    }
  });
}

test('nb-parity simulate -trace_pixel with a missing value is a clear flag error (exit 2)', async () => {
  const r = await execa('node', [bin, 'simulate', '-cell', '100', '100', '100', '90', '90', '90', '-default_F', '1', '-detpixels', '8', '-trace_pixel', '3'], { reject: false, cwd: await makeTempDir('nb-trace-cli-') });
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /-trace_pixel: expects 2 values/);
});
