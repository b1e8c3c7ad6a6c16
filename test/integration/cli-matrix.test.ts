// Matrix runs through the built CLI (bin/nb-parity.mjs → dist/), embedded engine on copies of the demo workspace:
// --all, selecting a YAML case id, --jsonl streamed per run, --junit (parsed with xml2js in strict mode, a real XML
// parser from node_modules), matrix.md's change column over successive bundles, and the live progress line on a
// real pseudo-terminal (util-linux `script`; skipped where it is missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { makeTempDir } from '../helpers/tempDirs.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const EMB = ['--candidate', 'embedded', '--reference', 'embedded'];
const nbp = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, cwd: tmpdir() });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- xml2js's untyped element tree, walked by the assertions
type Xml = any;
const { parseStringPromise } = createRequire(import.meta.url)('xml2js') as { parseStringPromise: (xml: string, opts?: object) => Promise<Xml> };

async function caseIds(ws: string): Promise<string[]> {
  const r = await nbp(['cases', '--workspace', ws]);
  const lines = r.stdout.split('\n').slice(1);
  return lines.slice(0, lines.indexOf('')).map((l) => l.split(/\s+/)[0]);
}

test('run --all --jsonl --junit: a JSON line per case as it finishes, then a summary; JUnit with the same counts; matrix.md lists every run', async () => {
  const ws = await copyDemoWorkspace('nbp-matrix-');
  const ids = await caseIds(ws);
  assert.ok(ids.length >= 6, ids.join(','));
  const junit = join(await makeTempDir('nbp-junit-'), 'parity.xml');
  // --concurrency 1 so the first run finishes well before the bundle is complete.
  const child = execa(process.execPath, [BIN, 'run', '--all', '--workspace', ws, ...EMB, '--jsonl', '--junit', junit, '--concurrency', '1'], { reject: false, cwd: tmpdir(), buffer: true });
  const arrivals: { line: string; summaryExisted: boolean }[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const j = JSON.parse(line);
      // Streamed: a run's line arrives while the bundle is still being filed (its summary.md is written last).
      arrivals.push({ line, summaryExisted: existsSync(join(j.bundle, 'summary.md')) });
    }
  });
  const r = await child;
  assert.equal(r.exitCode, 1, r.stderr);
  assert.equal(partial, '', 'stdout ends with a newline');
  const objs = arrivals.map((a) => JSON.parse(a.line));
  assert.equal(objs.length, ids.length + 1);
  const runs = objs.slice(0, -1), summary = objs.at(-1);
  assert.ok(runs.every((o) => o.type === 'run') && summary.type === 'summary');
  assert.deepEqual(runs.map((o) => o.case_id).sort(), [...ids].sort(), '--all runs every case of the workspace');
  assert.deepEqual(runs.map((o) => o.done), runs.map((_, i) => i + 1));
  assert.equal(arrivals[0].summaryExisted, false, 'the first run line came before the bundle was finished');
  const fails = runs.filter((o) => o.verdict === 'fail').length;
  const passes = runs.filter((o) => o.verdict === 'pass').length;
  assert.ok(fails > 0 && passes > 0, `${fails} fail, ${passes} pass`);
  assert.deepEqual([summary.total, summary.pass, summary.fail, summary.error, summary.exit_code], [ids.length, passes, fails, 0, 1]);
  assert.equal(summary.junit, junit);

  const doc = await parseStringPromise(await readFile(junit, 'utf8'), { strict: true });
  const suite = doc.testsuites.testsuite[0];
  assert.equal(Number(suite.$.tests), ids.length);
  assert.equal(Number(suite.$.failures), fails);
  assert.equal(Number(suite.$.errors), 0);
  assert.equal(suite.testcase.length, ids.length);
  assert.equal(suite.testcase.filter((t: Xml) => t.failure).length, fails);
  const div = suite.testcase.find((t: Xml) => t.$.classname === 'DEMO-MAT-DIV' && t.$.name === 'detpixels-96');
  assert.ok(div, 'classname = YAML case id, name = run name');
  assert.equal(div.failure[0].$.message, runs.find((o) => o.case_id === 'DEMO-MAT-DIV/detpixels-96').reason);

  const md = await readFile(join(summary.bundle, 'matrix.md'), 'utf8');
  const rows = md.split('\n').filter((l) => /^\| (?!case |---)/.test(l));
  assert.equal(rows.length, ids.length, md);
  assert.match(md, new RegExp(`${ids.length} runs: ${passes} pass, ${fails} fail, 0 error`));
  const complete = JSON.parse(await readFile(join(summary.bundle, 'complete.json'), 'utf8'));
  assert.ok(complete.files['matrix.md'], 'matrix.md is written before complete.json and listed in it');
});

test('a YAML case id selects all its runs; --all with case ids, --json with --jsonl, a bad --junit folder are refused before running', async () => {
  const ws = await copyDemoWorkspace('nbp-matrix-sel-');
  const r = await nbp(['run', 'DEMO-MAT-N1', '--workspace', ws, ...EMB, '--reference-preset', 'pytorch', '--jsonl', '--quiet']);
  assert.equal(r.exitCode, 0, r.stderr);
  const runs = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'run');
  assert.deepEqual(runs.map((o) => o.case_id).sort(), ['DEMO-MAT-N1/detpixels-128', 'DEMO-MAT-N1/detpixels-64']);
  assert.ok(runs.every((o) => o.case === 'DEMO-MAT-N1'));
  const both = await nbp(['run', '--all', 'TC-D1', '--workspace', ws, ...EMB]);
  assert.equal(both.exitCode, 2);
  assert.match(both.stderr, /--all runs every case; drop the case ids \(TC-D1\)/);
  const two = await nbp(['run', '--all', '--json', '--jsonl', '--workspace', ws, ...EMB]);
  assert.equal(two.exitCode, 2);
  assert.match(two.stderr, /--json and --jsonl both print on stdout/);
  const badJunit = await nbp(['run', '--all', '--junit', join(ws, 'no/such/dir/x.xml'), '--workspace', ws, ...EMB]);
  assert.equal(badJunit.exitCode, 2);
  assert.match(badJunit.stderr, /--junit .*x\.xml: folder .*no\/such\/dir does not exist/);
});

test('matrix.md and the terminal table: first run, then newly passing (preset c vs pytorch), then newly failing against the previous bundle', async () => {
  const ws = await copyDemoWorkspace('nbp-matrix-delta-');
  const sel = ['TC-D1', 'DEMO-MAT-DIV', '--workspace', ws, ...EMB, '--quiet'];
  const bundleOf = (out: string) => /^bundle: (.+)$/m.exec(out)![1];
  const rowOf = (md: string, group: string, run: string) => md.split('\n').find((l) => l.startsWith(`| ${group} | ${run} |`)) ?? '';

  const first = await nbp(['run', ...sel]);
  assert.equal(first.exitCode, 1, first.stderr);
  const md1 = await readFile(join(bundleOf(first.stdout), 'matrix.md'), 'utf8');
  assert.match(rowOf(md1, 'TC-D1', '—'), /\| FAIL \|.*\| correlation ≥ 0\.999 \(short by .*\| — \| — \|$/);

  const second = await nbp(['run', ...sel, '--candidate-preset', 'c']);
  assert.equal(second.exitCode, 0, second.stderr);
  const b1 = bundleOf(first.stdout), b2 = bundleOf(second.stdout);
  const md2 = await readFile(join(b2, 'matrix.md'), 'utf8');
  const stamp1 = b1.split('/').at(-1)!;
  assert.match(rowOf(md2, 'TC-D1', '—'), new RegExp(`\\| PASS \\|.*\\| newly passing \\| ${stamp1} \\(fail\\) \\|$`));
  assert.match(rowOf(md2, 'DEMO-MAT-DIV', 'detpixels-96'), /\| newly passing \|/);
  assert.match(rowOf(md2, 'DEMO-MAT-DIV', 'n3-detpixels-96'), /\| unchanged \|/);
  assert.match(md2, /3 runs: 3 pass, 0 fail, 0 error\. .*0 newly failing, 2 newly passing, 0 moved .*1 unchanged, 0 without an earlier run/);
  assert.match(second.stdout, /^TC-D1\s+PASS\s+1\.000000\s+1\.000000\s+0\.000000\s+—\s+newly passing$/m, 'the terminal table has the change too');
  assert.match(second.stdout, /matrix: .*matrix\.md$/m);

  // Only TC-D1 this time: its previous bundle is the second one; DEMO-MAT-DIV is not in this matrix.
  const third = await nbp(['run', 'TC-D1', '--workspace', ws, ...EMB, '--quiet']);
  const md3 = await readFile(join(bundleOf(third.stdout), 'matrix.md'), 'utf8');
  assert.match(rowOf(md3, 'TC-D1', '—'), new RegExp(`\\| newly failing \\| ${b2.split('/').at(-1)} \\(pass\\) \\|$`));
  assert.equal(md3.split('\n').filter((l) => /^\| (?!case |---)/.test(l)).length, 1);
});

const hasScript = (() => { try { execaSync('script', ['--version']); return true; } catch { return false; } })();

test('on a terminal (a real pty via `script`) progress is one line rewritten in place; off a terminal the plain lines stay', { skip: !hasScript && 'util-linux script(1) not installed' }, async () => {
  const ws = await copyDemoWorkspace('nbp-matrix-tty-');
  const cmd = [process.execPath, BIN, 'run', 'DEMO-MAT-N1', 'TC-D3', '--workspace', ws, ...EMB].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = await execa('script', ['-qfec', cmd, '/dev/null'], { reject: false, cwd: tmpdir(), env: { COLUMNS: '160' } });
  assert.equal(r.exitCode, 1, r.stdout);
  const out = r.stdout;
  assert.match(out, /\r\x1b\[2K\[0\/3\] 0 pass, 0 fail, 0 error · 0:\d\d elapsed, ETA –/);
  assert.match(out, /\r\x1b\[2K\[3\/3\] 2 pass, 1 fail, 0 error · 0:\d\d elapsed, ETA 0:00/);
  assert.match(out, /\r\x1b\[2K {2}✗ TC-D3: fail — correlation/, 'a failing run is printed above the live line');
  assert.doesNotMatch(out, /reference \(embedded\) started/, 'per-side lines are folded into the live line');
  assert.match(out, /DEMO-MAT-N1\/detpixels-64\s+PASS/, 'the table follows');
  const piped = await nbp(['run', 'DEMO-MAT-N1', '--workspace', ws, ...EMB]);
  assert.match(piped.stderr, /DEMO-MAT-N1\/detpixels-64: reference \(embedded\) started/);
  assert.doesNotMatch(piped.stderr, /\x1b\[2K/);
});

test('longest first: with one slot, the second --all starts the cases in the order of their slower side in the first bundle', async () => {
  const ws = await copyDemoWorkspace('nbp-schedule-');
  const order = async () => {
    const r = await nbp(['run', '--all', '--workspace', ws, ...EMB, '--jsonl', '--concurrency', '1']);
    assert.notEqual(r.exitCode, 2, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { case_id?: string; bundle?: string });
    return { started: lines.filter((l) => l.case_id).map((l) => l.case_id!), bundle: lines.find((l) => !l.case_id)?.bundle };
  };
  const first = await order();
  assert.deepEqual(first.started, await caseIds(ws), 'nothing ran before: the cases start in their own order');
  assert.ok(first.bundle, 'the summary line names the bundle');
  const b = JSON.parse(await readFile(join(first.bundle!, 'bundle.json'), 'utf8')) as { cases: { caseId: string; reference: { wallMs: number }; candidate: { wallMs: number } }[] };
  const slower = new Map(b.cases.map((c) => [c.caseId, Math.max(c.reference.wallMs, c.candidate.wallMs)]));
  const expected = [...first.started].sort((x, y) => slower.get(y)! - slower.get(x)! || first.started.indexOf(x) - first.started.indexOf(y));
  assert.notDeepEqual(expected, first.started, 'the demo cases differ in size, so longest first is another order');
  assert.deepEqual((await order()).started, expected);
});
