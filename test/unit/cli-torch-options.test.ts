// The CLI's PyTorch start-up options: --torch-mode defaults to auto (the per-user warm server) with cold as the
// opt-out (flag or NB_PARITY_TORCH_MODE), and the idle stop has one meaning under two names (--server-idle on run,
// --idle-timeout on the daemon; both accepted on both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { idleTimeoutOption, OptionError, resolveEngineOptions } from '../../src/cli/engineOptions.ts';
import { resolvePython } from '../../src/core/engines/torch/resolve.ts';
import { explainTorchFailure } from '../../src/core/engines/torch/runner.ts';

async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try { return await fn(); } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test('--torch-mode: auto by default (with the daemon command), cold by flag or NB_PARITY_TORCH_MODE, bad values named', async () => {
  const ws = tmpdir();
  await withEnv({ NB_PARITY_TORCH_MODE: undefined, NB_PARITY_SERVER_IDLE: undefined }, async () => {
    const def = (await resolveEngineOptions({ workspace: ws })).settings;
    assert.equal(def.torchMode, 'auto');
    assert.deepEqual(def.torchServer?.command.slice(-2), ['server', '--daemon']);
    assert.equal(def.torchServer?.idleMs, undefined, 'the daemon keeps its own default (600 s)');
    const cold = (await resolveEngineOptions({ workspace: ws, 'torch-mode': 'cold' })).settings;
    assert.equal(cold.torchMode, 'cold');
    assert.equal(cold.torchServer, undefined, 'cold never reaches the daemon');
    await assert.rejects(resolveEngineOptions({ workspace: ws, 'torch-mode': 'hot' }), /--torch-mode hot: expected one of cold, warm, auto/);
  });
  await withEnv({ NB_PARITY_TORCH_MODE: 'cold' }, async () => {
    assert.equal((await resolveEngineOptions({ workspace: ws })).settings.torchMode, 'cold');
    assert.equal((await resolveEngineOptions({ workspace: ws, 'torch-mode': 'warm' })).settings.torchMode, 'warm', 'the flag wins');
  });
  await withEnv({ NB_PARITY_TORCH_MODE: 'lukewarm' }, async () => {
    await assert.rejects(resolveEngineOptions({ workspace: ws }), /NB_PARITY_TORCH_MODE=lukewarm: expected one of cold, warm, auto/);
  });
});

test('idle stop: --server-idle and --idle-timeout are one option; NB_PARITY_SERVER_IDLE when neither; bad values refused', async () => {
  assert.equal(idleTimeoutOption('90', undefined, undefined), 90);
  assert.equal(idleTimeoutOption(undefined, '1.5', undefined), 1.5);
  assert.equal(idleTimeoutOption('30', '30', '7'), 30, 'the same value twice is fine');
  assert.equal(idleTimeoutOption(undefined, undefined, '7'), 7);
  assert.equal(idleTimeoutOption(undefined, undefined, undefined), undefined);
  assert.throws(() => idleTimeoutOption('30', '60', undefined), (e: Error) => e instanceof OptionError
    && /--server-idle 30 and --idle-timeout 60 are the same option; give one value/.test(e.message));
  assert.throws(() => idleTimeoutOption(undefined, '0', undefined), /--idle-timeout 0: expected a positive number of seconds/);
  assert.throws(() => idleTimeoutOption('soon', undefined, undefined), /--server-idle soon: expected a positive number of seconds/);
  assert.throws(() => idleTimeoutOption(undefined, undefined, '-1'), /NB_PARITY_SERVER_IDLE=-1: expected a positive number of seconds/);
  await withEnv({ NB_PARITY_SERVER_IDLE: undefined, NB_PARITY_TORCH_MODE: undefined }, async () => {
    const s = (await resolveEngineOptions({ workspace: tmpdir(), 'idle-timeout': '45' })).settings;
    assert.equal(s.torchServer?.idleMs, 45_000, 'nb-parity run --idle-timeout = --server-idle');
  });
});

test('--python is named as the CLI flag in what a run reports (not as the VS Code setting)', async () => {
  const ws = tmpdir();
  const s = (await resolveEngineOptions({ workspace: ws, python: '/usr/bin/python3' })).settings;
  assert.equal(s.pythonSource, '--python');
  assert.deepEqual(resolvePython(ws, s.python, {}, s.pythonSource), { python: '/usr/bin/python3', origin: '--python' });
  assert.equal(resolvePython(ws, 'py', {}).origin, 'setting', 'the API and the extension: the setting');
  assert.equal(resolvePython(ws, undefined, { NB_PY_BIN: 'p' }).origin, 'NB_PY_BIN');
  assert.equal((await resolveEngineOptions({ workspace: ws })).settings.pythonSource, undefined);
  assert.match(explainTorchFailure({ stdout: '', stderr: "ModuleNotFoundError: No module named 'torch'", timedOut: false, cancelled: false, wallMs: 1 }, 'python3')!,
    /^torch is not installed in python3; choose another interpreter \(nb-parity --python or NB_PY_BIN; the nbParity\.python setting in VS Code\)/);
});
