// The PyTorch engine in warm mode, end to end through the orchestration's runner (createTorchEngine → runTorch →
// warm dispatch), with a STAND-IN port copied into a temporary workspace's src/ (CI has no real nanobrag_torch and no
// torch). Checks the authoritative-runs safeguard, the fallbacks, and what the EngineRun says about the mode.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Case, EngineRun } from '../../src/shared/types.ts';
import type { RunSettings } from '../../src/core/settings.ts';
import { createTorchEngine, chooseTorchMode } from '../../src/core/engines/torch/index.ts';
import { disposeWarmServers, prewarmTorch } from '../../src/core/engines/torch/warm/index.ts';
import { beforeRemoval } from '../helpers/tempDirs.ts';
import { copyDemoWorkspaceSync } from '../helpers/demoWorkspace.ts';

const PYTHON = process.env.NB_TEST_PYTHON ?? 'python3';
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TAIL = ['-distance', '231.274660', '-lambda', '0.9768', '-pixel', '0.172', '-detpixels_x', '64', '-detpixels_y', '64',
  '-oversample', '1', '-nonoise', '-nointerpolate'];

function makeCase(id: string, extra: string[] = []): Case {
  return {
    id, label: id, source: 'user', fileStem: id.toLowerCase().replace(/\W+/g, '_'), thresholds: {},
    flags: ['-mat', 'A.mat', '-default_F', '100', '-hdivrange', '0.5', '-hdivsteps', '3', ...TAIL, ...extra],
  };
}

let ws: string;
let n = 0;
const engine = createTorchEngine({ python: PYTHON, origin: 'setting' });

async function run(c: Case, settings: Partial<RunSettings>): Promise<{ run: EngineRun; outFile: string }> {
  const scratchDir = join(ws, 'scratch', `s${++n}`);
  mkdirSync(scratchDir, { recursive: true });
  const outFile = join(scratchDir, `py_${c.fileStem}.bin`);
  const r = await engine.run({ caseDef: c, side: 'candidate', workspace: ws, scratchDir, outFile, settings: { allowPrograms: true, ...settings } });
  return { run: r, outFile };
}

before(() => {
  ws = copyDemoWorkspaceSync('nb-warm-dispatch-', ['A.mat']);
  cpSync(join(REPO, 'test/fixtures/standin-port/src'), join(ws, 'src'), { recursive: true });
});
// The warm servers run in the workspace: stop them before its folder is removed.
beforeRemoval(disposeWarmServers);

describe('PyTorch engine in warm mode (stand-in port through the real runner)', () => {
  it("'auto' means warm on this platform, unset means cold", () => {
    assert.equal(chooseTorchMode({ allowPrograms: true, torchMode: 'auto' }), process.platform === 'win32' ? 'cold' : 'warm');
    assert.equal(chooseTorchMode({ allowPrograms: true }), 'cold');
  });

  it('the first warm run of a server life is checked byte-for-byte against a cold run, later runs are trusted', async () => {
    const c = makeCase('W-1');
    const cold = await run(c, { torchMode: 'cold' });
    assert.equal(cold.run.error, undefined, cold.run.stderr);
    assert.equal(cold.run.info?.mode, 'cold');

    const first = await run(c, { torchMode: 'warm' });
    assert.equal(first.run.error, undefined, String(first.run.error));
    assert.equal(first.run.info?.mode, 'warm');
    assert.match(String(first.run.info?.authoritative), /byte-identical to a cold run/);
    assert.equal(typeof first.run.info?.authoritativeColdMs, 'number', 'the cold twin ran');
    assert.deepEqual(readdirSync(first.run.cwd), [`py_${c.fileStem}.bin`], 'the cold twin ran elsewhere: the scratch folder holds only the image');
    assert.deepEqual(first.run.image, cold.run.image);
    assert.deepEqual([first.run.fpixels, first.run.spixels], [64, 64]);
    assert.deepEqual(first.run.command.slice(0, 3), [PYTHON, '-m', 'nanobrag_torch'], 'commands.txt shows the equivalent CLI');

    const second = await run(c, { torchMode: 'warm' });
    assert.equal(second.run.info?.mode, 'warm');
    assert.equal(second.run.info?.authoritative, 'verified earlier in this worker life');
    assert.equal(second.run.info?.warmServerPid, first.run.info?.warmServerPid, 'same parent');
    assert.equal(second.run.info?.authoritativeColdMs, undefined, 'no second cold run');
    assert.ok(readFileSync(second.outFile).equals(readFileSync(cold.outFile)));
  });

  it('with authoritative runs off, no cold twin runs', async () => {
    const r = await run(makeCase('W-2'), { torchMode: 'warm', torchAuthoritative: false });
    assert.equal(r.run.info?.mode, 'warm');
    assert.equal(r.run.info?.authoritative, undefined);
    assert.equal(r.run.info?.authoritativeColdMs, undefined);
  });

  it('a warm result that differs from cold is replaced by the cold one, and that worker is no longer trusted', async () => {
    const biased = makeCase('W-BIAS', ['-standin_warm_bias']);
    const cold = await run(biased, { torchMode: 'cold' });
    // A server life is checked on its first run (then on a sample and after port edits): make this run the first.
    await disposeWarmServers();
    const w = await run(biased, { torchMode: 'warm' });
    assert.equal(w.run.info?.mode, 'cold');
    assert.match(String(w.run.info?.modeNote), /differed from a cold run \(first difference at byte \d \(float index 0\)/);
    assert.ok(readFileSync(w.outFile).equals(readFileSync(cold.outFile)), 'the bundle gets the cold image');
    assert.deepEqual(w.run.image, cold.run.image);
    // Even an innocent, already verified case now runs cold in this worker life.
    const other = await run(makeCase('W-1'), { torchMode: 'warm' });
    assert.equal(other.run.info?.mode, 'cold');
    assert.match(String(other.run.info?.modeNote), /once differed from a cold run/);
    await disposeWarmServers();
    const fresh = await run(makeCase('W-1'), { torchMode: 'warm' });
    assert.equal(fresh.run.info?.mode, 'warm', 'a new worker life is trusted again after its own check');
  });

  it('a crashing port is an error for that run only, confirmed by the cold check', async () => {
    const r = await run(makeCase('W-SEGV', ['-standin_crash', 'segv']), { torchMode: 'warm' });
    assert.equal(r.run.signal, 'SIGSEGV');
    assert.match(String(r.run.error), /crashed \(SIGSEGV\)/);
    assert.equal(r.run.info?.mode, 'warm');
    assert.match(String(r.run.info?.authoritative), /failed like a cold run/);
    const ok = await run(makeCase('W-1'), { torchMode: 'warm' });
    assert.equal(ok.run.error, undefined);
    assert.equal(ok.run.info?.mode, 'warm');
  });

  it('cancel reaches the warm child', async () => {
    const ac = new AbortController();
    const scratchDir = join(ws, 'scratch', 'cancel');
    mkdirSync(scratchDir, { recursive: true });
    const c = makeCase('W-SLOW', ['-standin_sleep', '61.25']);
    const p = engine.run({ caseDef: c, side: 'candidate', workspace: ws, scratchDir, outFile: join(scratchDir, 'o.bin'),
      settings: { allowPrograms: true, torchMode: 'warm' }, signal: ac.signal });
    setTimeout(() => ac.abort(), 800);
    const t0 = Date.now();
    const r = await p;
    assert.equal(r.cancelled, true);
    assert.ok(Date.now() - t0 < 5000);
    // The cold twin of the authoritative check (a real `python -m nanobrag_torch` process) was stopped too.
    const twins = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('61.25'); } catch { return false; }
    });
    assert.deepEqual(twins, []);
  });

  it('prewarming starts the parent the runner will use, so the next run does not wait for it', async () => {
    await disposeWarmServers();
    assert.equal(await prewarmTorch(PYTHON, ws), true);
    const r = await run(makeCase('W-PRE'), { torchMode: 'warm' });
    assert.equal(r.run.info?.mode, 'warm');
    assert.equal(r.run.info?.warmColdStart, false, 'served by the prewarmed parent');
  });

  it('an interpreter that cannot host the warm server gives a cold result with a note, not an error', async () => {
    // A wrapper that runs `-m module` like Python but nothing else (as some launchers and test stand-ins do).
    const wrapper = join(ws, 'python-m-only');
    writeFileSync(wrapper, `#!/bin/sh\nif [ "$1" = "-m" ]; then exec ${PYTHON} "$@"; fi\necho "wrapper: only -m is supported" >&2\nexit 3\n`);
    chmodSync(wrapper, 0o755);
    const wrapped = createTorchEngine({ python: wrapper, origin: 'setting' });
    for (let i = 0; i < 3; i++) {
      const scratchDir = join(ws, 'scratch', `wrapped${i}`);
      mkdirSync(scratchDir, { recursive: true });
      const r = await wrapped.run({ caseDef: makeCase('W-WRAP'), side: 'candidate', workspace: ws, scratchDir, outFile: join(scratchDir, 'o.bin'),
        settings: { allowPrograms: true, torchMode: 'auto' } });
      assert.equal(r.error, undefined, String(r.error));
      assert.equal(r.info?.mode, 'cold');
      assert.match(String(r.info?.modeNote), i < 2 ? /warm run unavailable \(the warm PyTorch server .* exited during start-up \(exit code 3\); its stderr: wrapper: only -m/ : /crashed 2 times/);
      assert.equal(r.image?.length, 64 * 64);
    }
  });

  it('Restricted Mode launches nothing, warm or cold', async () => {
    const r = await run(makeCase('W-R'), { torchMode: 'warm', allowPrograms: false });
    assert.match(String(r.run.error), /Restricted Mode/);
  });
});
