// A whole parity run with the PyTorch side in warm mode: the evidence bundle must say which mode ran (commands.txt,
// env.json) and the warm image must be the one a cold run gives. The PyTorch side is the STAND-IN port
// (test/fixtures/standin-port) copied into a temporary workspace's src/: CI has no real nanobrag_torch.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Case } from '../../src/shared/types.ts';
import { runParity, type RunSettings } from '../../src/core/parity.ts';
import { disposeWarmServers } from '../../src/core/engines/torch/warm/index.ts';
import { beforeRemoval } from '../helpers/tempDirs.ts';
import { copyDemoWorkspaceSync } from '../helpers/demoWorkspace.ts';

const PYTHON = process.env.NB_TEST_PYTHON ?? 'python3';
const REPO = fileURLToPath(new URL('../..', import.meta.url));

const CASES: Case[] = ['A', 'B'].map((x, i) => ({
  id: `WARM-${x}`, label: `warm ${x}`, source: 'user', fileStem: `warm_${x.toLowerCase()}`, thresholds: { corrMin: 0.999 },
  flags: ['-mat', 'A.mat', '-default_F', '100', '-hdivrange', '0.5', '-hdivsteps', String(1 + 2 * i), '-distance', '231.274660',
    '-lambda', '0.9768', '-pixel', '0.172', '-detpixels_x', '48', '-detpixels_y', '48', '-oversample', '1', '-N', '1', '-nonoise', '-nointerpolate'],
}));

let ws: string;
before(() => {
  ws = copyDemoWorkspaceSync('nb-warm-bundle-', ['A.mat']);
  cpSync(join(REPO, 'test/fixtures/standin-port/src'), join(ws, 'src'), { recursive: true });
});
// The warm servers run in the workspace: stop them before its folder is removed.
beforeRemoval(disposeWarmServers);

const settings = (torchMode: RunSettings['torchMode']): RunSettings =>
  ({ allowPrograms: true, python: PYTHON, probeTorch: false, concurrency: 2, torchMode, initiative: 'warm-test' });

describe('parity bundle with warm PyTorch runs (stand-in port)', () => {
  it('commands.txt and env.json say which mode ran, and warm images equal cold ones', async () => {
    const cold = await runParity({ workspace: ws, cases: CASES, reference: 'embedded', candidate: 'torch', settings: settings('cold') });
    const warm = await runParity({ workspace: ws, cases: CASES, reference: 'embedded', candidate: 'torch', settings: settings('warm') });
    assert.notEqual(cold.dir, warm.dir);
    for (const [i, c] of warm.cases.entries()) {
      assert.equal(c.candidate.error, undefined, String(c.candidate.error));
      assert.equal(c.candidate.info?.mode, 'warm');
      assert.equal(cold.cases[i].candidate.info?.mode, 'cold');
      const name = c.files.candidateImage!;
      assert.ok(readFileSync(join(warm.dir, name)).equals(readFileSync(join(cold.dir, cold.cases[i].files.candidateImage!))), `${name} warm = cold`);
    }
    const commands = readFileSync(join(warm.dir, 'commands.txt'), 'utf8');
    assert.equal(commands.match(/# ran in the warm PyTorch fork-server/g)?.length, 2, commands);
    assert.match(commands, /authoritative check: float file byte-identical to a cold run/);
    assert.doesNotMatch(readFileSync(join(cold.dir, 'commands.txt'), 'utf8'), /warm PyTorch fork-server/);

    const env = JSON.parse(readFileSync(join(warm.dir, 'env.json'), 'utf8')) as { python: { torch_mode: string; torch_runs: { case: string; mode: string }[] } };
    assert.equal(env.python.torch_mode, 'warm');
    assert.deepEqual(env.python.torch_runs.map((r) => [r.case, r.mode]), [['WARM-A', 'warm'], ['WARM-B', 'warm']]);

    // The re-run is served by the same parent without a second cold check.
    const again = await runParity({ workspace: ws, cases: CASES, reference: 'embedded', candidate: 'torch', settings: settings('auto') });
    for (const c of again.cases) {
      assert.equal(c.candidate.info?.mode, 'warm');
      assert.equal(c.candidate.info?.authoritative, 'verified earlier in this worker life');
      assert.equal(c.candidate.info?.warmServerPid, warm.cases[0].candidate.info?.warmServerPid);
    }
  });
});
