// Setup logic without VS Code: which settings scope takes effect in this window (a remote window ignores User values
// of machine-overridable settings), the explanation of an ignored or shadowed value, and the fix button a run error
// gets. The error texts are the engines' own (explainTorchFailure with the program it ran).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveScope, explainScopes, parseJsonc, userScopeIgnored, writeTarget } from '../../src/extension/settingsScope.ts';
import { FIX_BUILD_C, FIX_DISABLE_COMPILE, FIX_PICK_C, FIX_SELECT_PYTHON, FIX_TRUST, fixesFor } from '../../src/extension/runFixes.ts';
import { explainTorchFailure } from '../../src/core/engines/torch/index.ts';

const LOCAL = { hasWorkspace: true };
const REMOTE = { remoteName: 'ssh-remote', hasWorkspace: true };
const WEB = { webHost: true, hasWorkspace: true };

describe('settings scope', () => {
  it('User values of machine(-overridable) settings are ignored in remote and web-hosted windows only', () => {
    assert.equal(userScopeIgnored('machine-overridable', LOCAL), false);
    assert.equal(userScopeIgnored('machine-overridable', REMOTE), true);
    assert.equal(userScopeIgnored('machine-overridable', WEB), true);
    assert.equal(userScopeIgnored('resource', REMOTE), false);
  });

  it('writes to Workspace settings when a folder is open, User only locally without one, nowhere in a folderless remote window', () => {
    assert.deepEqual(writeTarget('machine-overridable', REMOTE), { target: 'workspace', where: 'Workspace settings (.vscode/settings.json)' });
    assert.equal(writeTarget('machine-overridable', { ...REMOTE, multiRoot: true })?.where, 'Workspace settings (the .code-workspace file)');
    assert.equal(writeTarget('machine-overridable', { hasWorkspace: false })?.target, 'global');
    assert.equal(writeTarget('machine-overridable', { remoteName: 'wsl', hasWorkspace: false }), undefined);
  });

  it('effective value: folder > workspace > user > default; blank strings do not count', () => {
    assert.deepEqual(effectiveScope({ defaultValue: '', globalValue: '/u/py', workspaceValue: '  ' }), { value: '/u/py', from: 'global' });
    assert.deepEqual(effectiveScope({ defaultValue: '', globalValue: '/u/py', workspaceValue: '/w/py' }), { value: '/w/py', from: 'workspace' });
    assert.deepEqual(effectiveScope({ defaultValue: '' }), { value: '', from: 'default' });
  });

  it('explains a User value a remote window ignores, naming the setting, the value and what is used instead', () => {
    const [msg, ...rest] = explainScopes('nbParity.python', 'machine-overridable', { defaultValue: '' }, REMOTE, '/opt/venv/bin/python');
    assert.equal(rest.length, 0);
    assert.match(msg!, /nbParity\.python is set to "\/opt\/venv\/bin\/python" in your User settings, but this is a remote window/);
    assert.match(msg!, /the default is used/);
    // Locally the same User value is read: nothing to explain.
    assert.deepEqual(explainScopes('nbParity.python', 'machine-overridable', { defaultValue: '', globalValue: '/opt/venv/bin/python' }, LOCAL, '/opt/venv/bin/python'), []);
  });

  it('explains a User value shadowed by a different Workspace value, and stays quiet when they agree', () => {
    const msgs = explainScopes('nbParity.extraEnv', 'machine-overridable', { globalValue: { A: '1' }, workspaceValue: { B: '2' } }, LOCAL);
    assert.deepEqual(msgs, ['nbParity.extraEnv: User/Remote settings say {"A":"1"}, but Workspace settings override it with {"B":"2"}.']);
    assert.deepEqual(explainScopes('nbParity.extraEnv', 'machine-overridable', { globalValue: { A: '1' }, workspaceValue: { A: '1' } }, LOCAL), []);
  });
});

it('parseJsonc reads a settings.json with comments and trailing commas, keeping // inside strings', () => {
  const text = '{\n  // my interpreter\n  "nbParity.python": "/opt/v//bin/python", /* block */\n  "nbParity.extraEnv": { "A": "1", },\n}\n';
  assert.deepEqual(parseJsonc(text), { 'nbParity.python': '/opt/v//bin/python', 'nbParity.extraEnv': { A: '1' } });
  assert.throws(() => parseJsonc('{ "a": }'));
});

describe('run error → fix button', () => {
  const torchOut = (stderr: string) => ({ stdout: '', stderr, timedOut: false, cancelled: false, wallMs: 1, exitCode: 1 });

  it('torch missing: the error names the interpreter, the fix is Select interpreter…', () => {
    const msg = explainTorchFailure(torchOut("ModuleNotFoundError: No module named 'torch'"), '/usr/bin/python3')!;
    assert.match(msg, /^torch is not installed in \/usr\/bin\/python3;/);
    assert.deepEqual(fixesFor([msg]), [FIX_SELECT_PYTHON]);
  });

  it('torch 1.x: the fix is Add to nbParity.extraEnv', () => {
    const msg = explainTorchFailure(torchOut("AttributeError: module 'torch' has no attribute 'compile'"), '/usr/bin/python3')!;
    assert.deepEqual(fixesFor([msg]), [FIX_DISABLE_COMPILE]);
    assert.equal(FIX_DISABLE_COMPILE.label, 'Add to nbParity.extraEnv');
  });

  it('C binary missing: build or pick; Restricted Mode: trust; unrelated errors: no button', () => {
    assert.deepEqual(fixesFor(['no C binary at /ws/golden_suite_generator/nanoBragg; it can be built with "make -C golden_suite_generator"']), [FIX_BUILD_C, FIX_PICK_C]);
    assert.deepEqual(fixesFor(['this workspace is not trusted (Restricted Mode), so nb-parity launches no program']), [FIX_TRUST]);
    assert.deepEqual(fixesFor(['the PyTorch CLI rejected the flags (status 2): -foo']), []);
  });
});
