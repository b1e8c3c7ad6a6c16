// Runs inside a real VS Code (desktop, via @vscode/test-electron) with the demo workspace copy opened and
// nbParity.candidate/reference = embedded (set by run.mjs), so no C binary or Python is needed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NbParityApi } from '../../../src/extension/activate.ts';
import type { RunCommandResult } from '../../../src/extension/commands/runResult.ts';

const EXT_ID = 'nanobragg-parity.nanobragg-parity';

async function api(): Promise<NbParityApi> {
  const ext = vscode.extensions.getExtension<NbParityApi>(EXT_ID);
  assert.ok(ext, `${EXT_ID} is installed in the test instance`);
  return ext.isActive ? ext.exports : ext.activate();
}

suite('nanoBragg Parity extension', () => {
  test('activates and returns its API', async () => {
    const a = await api();
    assert.ok(a.service && a.tests && a.panels);
  });

  test('every contributed command is registered', async () => {
    await api();
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as { contributes: { commands: { command: string; title: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of pkg.contributes.commands) assert.ok(registered.has(c.command), `${c.command} (“${c.title}”) registered`);
    assert.equal(pkg.contributes.commands.find((c) => c.command === 'nbParity.runSeed')?.title, 'Run TC-D1/TC-D3 parity');
  });

  test('Test Explorer: a tree (built-ins in their group, a yaml case holding its runs), each run at its definition', async () => {
    const a = await api();
    await a.tests.refresh();
    const roots: vscode.TestItem[] = [];
    a.tests.controller.items.forEach((i) => roots.push(i));
    const builtin = roots.find((i) => i.id === 'group:builtin');
    const kids = (i?: vscode.TestItem) => { const out: string[] = []; i?.children.forEach((c) => out.push(c.id)); return out; };
    assert.deepEqual(kids(builtin).sort(), ['TC-D1', 'TC-D3'], `roots: ${roots.map((r) => r.id).join(', ')}`);
    assert.ok(!roots.some((r) => r.id === 'TC-D1'), 'built-ins are not loose at the top');
    const yamlParent = roots.find((i) => i.id.startsWith('group:yaml:') && i.children.size > 0);
    assert.ok(yamlParent, 'a parity_cases.yaml case with runs is a parent node');
    const run = a.tests.findItem(kids(yamlParent)[0]!);
    assert.ok(run?.uri?.fsPath.endsWith('parity_cases.yaml') && run.range, 'its run points at its line');
  });

  test('“Run parity case…” with TC-D3 on the embedded engine writes a bundle and opens the results', async () => {
    const a = await api();
    const outcome = (await vscode.commands.executeCommand('nbParity.runCase', 'TC-D3')) as RunCommandResult | undefined;
    assert.ok(outcome?.bundle, `a bundle was written (${outcome?.error ?? 'no outcome'})`);
    const dir = outcome.bundle.dir;
    for (const f of ['metrics.json', 'commands.txt', 'summary.md']) assert.ok(fs.existsSync(path.join(dir, f)), `${f} in ${dir}`);
    assert.equal(outcome.bundle.cases[0]?.caseId, 'TC-D3');
    assert.equal(a.service.lastBundle?.dir, dir);
    assert.ok(a.panels.count >= 1, 'the results panel opened');
  });

  test('running TC-D1 from the Test Explorer profile records a bundle per item', async () => {
    const a = await api();
    const item = a.tests.findItem('TC-D1');
    assert.ok(item);
    const cts = new vscode.CancellationTokenSource();
    await a.tests.runProfile.runHandler(new vscode.TestRunRequest([item]), cts.token);
    const dir = a.tests.bundleFor('TC-D1');
    assert.ok(dir && fs.existsSync(path.join(dir, 'metrics.json')), 'bundle of the Test Explorer run');
  });

  test('cancelling a run aborts it and leaves no run active', async () => {
    const a = await api();
    const folder = vscode.workspace.workspaceFolders![0]!;
    const { cases } = await a.service.casesFor(folder);
    const lastBefore = a.service.lastBundle?.dir;
    const cts = new vscode.CancellationTokenSource();
    const p = a.service.run({ folder, cases: cases.filter((c) => c.source === 'builtin'), token: cts.token });
    cts.cancel();
    const outcome = await p;
    assert.equal(outcome.cancelled, true, 'the outcome says cancelled');
    for (const c of outcome.bundle?.cases ?? []) assert.equal(c.files.referenceImage ?? c.files.candidateImage, undefined, `${c.caseId}: no image from a cancelled run`);
    assert.equal(a.service.running, false);
    assert.equal(a.service.lastBundle?.dir, lastBefore, 'a cancelled run is not the last bundle to record');
  });
});
