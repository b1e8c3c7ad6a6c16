// settings → RunSettings mapping of the extension host (pure; no VS Code needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandPath, needsPrograms, resolveSettings } from '../../src/extension/settingsModel.ts';

const ws = '/home/u/nanoBragg';

test('defaults: torch vs c, programs allowed when trusted, no problems', () => {
  const r = resolveSettings({}, { workspace: ws, trusted: true });
  assert.equal(r.candidate, 'torch');
  assert.equal(r.reference, 'c');
  assert.equal(r.settings.allowPrograms, true);
  assert.deepEqual(r.problems, []);
  assert.equal(r.pythonSource, 'default');
  assert.equal(r.settings.python, undefined);
});

test('setting overrides the Python extension; the extension fills in when the setting is empty', () => {
  const a = resolveSettings({ python: '${workspaceFolder}/.venv/bin/python' }, { workspace: ws, trusted: true, pythonFromExtension: '/usr/bin/python3' });
  assert.equal(a.settings.python, `${ws}/.venv/bin/python`);
  assert.equal(a.pythonSource, 'setting');
  const b = resolveSettings({ python: '  ' }, { workspace: ws, trusted: true, pythonFromExtension: '/usr/bin/python3' });
  assert.equal(b.settings.python, '/usr/bin/python3');
  assert.equal(b.pythonSource, 'python-extension');
});

test('Restricted Mode: allowPrograms false and no program path or env reaches the runner', () => {
  const r = resolveSettings({ cBinary: './evil', python: '/tmp/evil-python', extraEnv: { LD_PRELOAD: '/tmp/x.so' } },
    { workspace: ws, trusted: false, pythonFromExtension: '/usr/bin/python3' });
  assert.equal(r.settings.allowPrograms, false);
  assert.equal(r.settings.cBinary, undefined);
  assert.equal(r.settings.python, undefined);
  assert.equal(r.settings.extraEnv, undefined);
  assert.equal(r.pythonSource, 'default');
});

test('program paths: relative → workspace, ~ → home, bare names stay for PATH lookup', () => {
  assert.equal(expandPath('golden_suite_generator/nanoBragg', ws), path.join(ws, 'golden_suite_generator/nanoBragg'));
  assert.equal(expandPath('~/bin/nanoBragg', ws), path.join(os.homedir(), 'bin/nanoBragg'));
  assert.equal(expandPath('python3', ws), 'python3');
  assert.equal(expandPath('/opt/nb/../nb/nanoBragg', ws), '/opt/nb/nanoBragg');
});

test('bad values are reported by setting name and replaced by defaults', () => {
  const r = resolveSettings({ candidate: 'numpy', reference: 'c', concurrency: 0, timeoutSeconds: -3, torchMode: 'hot', extraEnv: { 'BAD-NAME': 'x', OK: 'y', NUM: 4, OBJ: { a: 1 } } },
    { workspace: ws, trusted: true });
  assert.equal(r.candidate, 'torch');
  assert.equal(r.settings.concurrency, undefined);
  assert.equal(r.settings.timeoutMs, undefined);
  assert.equal(r.settings.torchMode, undefined);
  assert.deepEqual(r.settings.extraEnv, { OK: 'y', NUM: '4' });
  const joined = r.problems.join('\n');
  for (const needle of ['nbParity.candidate: "numpy"', 'nbParity.concurrency', 'nbParity.timeoutSeconds', 'nbParity.torchMode', '"BAD-NAME"', 'nbParity.extraEnv.OBJ']) {
    assert.ok(joined.includes(needle), `missing problem for ${needle} in:\n${joined}`);
  }
});

test('timeouts in seconds become per-side milliseconds; 0 means no limit', () => {
  assert.deepEqual(resolveSettings({ timeoutSeconds: 90 }, { workspace: ws, trusted: true }).settings.timeoutMs, { reference: 90000, candidate: 90000 });
  assert.equal(resolveSettings({ timeoutSeconds: 0 }, { workspace: ws, trusted: true }).settings.timeoutMs, undefined);
});

test('reports root / initiative / phase / explain / torchMode pass through', () => {
  const r = resolveSettings({ reportsRoot: 'out', initiative: '2025-11-source-weights', phase: 'phase_e', explain: true, torchMode: 'warm', concurrency: 2 }, { workspace: ws, trusted: true });
  assert.equal(r.settings.reportsRoot, 'out');
  assert.equal(r.settings.initiative, '2025-11-source-weights');
  assert.equal(r.settings.phase, 'phase_e');
  assert.equal(r.settings.explain, true);
  assert.equal(r.settings.torchMode, 'warm');
  assert.equal(r.settings.concurrency, 2);
  assert.equal(r.settings.reuseC, undefined, 'C reuse on by default');
  assert.equal(resolveSettings({ reuseCRuns: false }, { workspace: ws, trusted: true }).settings.reuseC, false);
  assert.equal(resolveSettings({ reuseCRuns: 'no' }, { workspace: ws, trusted: true }).settings.reuseC, undefined, 'only false turns it off');
});

test('same engine on both sides (not embedded) is flagged; embedded-vs-embedded is the normal demo', () => {
  assert.ok(resolveSettings({ candidate: 'c', reference: 'c' }, { workspace: ws, trusted: true }).problems.some((p) => p.includes('both "c"')));
  assert.deepEqual(resolveSettings({ candidate: 'embedded', reference: 'embedded' }, { workspace: ws, trusted: true }).problems, []);
});

test('needsPrograms: only embedded-vs-embedded launches nothing', () => {
  assert.equal(needsPrograms('embedded', 'embedded'), false);
  assert.equal(needsPrograms('torch', 'embedded'), true);
  assert.equal(needsPrograms('embedded', 'c'), true);
});
