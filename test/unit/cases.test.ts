import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_CASES, loadCases, selectCases, SEED_FIXTURE } from '../../src/core/cases/index.ts';
import { parseUserCases } from '../../src/core/cases/userCases.ts';
import { parseYamlCases } from '../../src/core/cases/yamlCases.ts';
import { absolutizeFlags, shellJoin, splitArgs, stripOutputFlags } from '../../src/core/cases/flags.ts';
import { copyDemoWorkspace } from '../helpers/demoWorkspace.ts';

test('built-in TC-D1/TC-D3 carry the seed flags, stems and thresholds', () => {
  const [d1, d3] = BUILTIN_CASES;
  assert.equal(d1.id, 'TC-D1');
  assert.equal(d1.fileStem, 'tc_d1');
  assert.equal(d3.fileStem, 'tc_d3');
  assert.deepEqual(d1.flags.join(' '), `-mat A.mat -sourcefile ${SEED_FIXTURE} -default_F 100 -hdivsteps 0 -vdivsteps 0 -dispsteps 1 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate`);
  assert.equal(d3.flags.join(' '), '-mat A.mat -default_F 100 -hdivrange 0.5 -hdivsteps 3 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate');
  for (const c of [d1, d3]) assert.deepEqual(c.thresholds, { corrMin: 0.999, sumRatioTol: 1e-3 });
  assert.ok(!d1.flags.includes('-floatfile'), 'the runner owns -floatfile');
});

test('parity_cases.yaml: one case per run, base+extra args, run thresholds replace case thresholds, line kept', () => {
  const text = [
    'cases:',
    '  - id: AT-PARALLEL-001',
    '    description: cubic',
    '    base_args: "-default_F 100 -cell 100 100 100 90 90 90 -lambda 6.2 -N 5"',
    '    thresholds: {corr_min: 0.9999, sum_ratio_min: 0.9, sum_ratio_max: 1.1, max_abs_max: 500}',
    '    runs:',
    '      - name: detpixels-64',
    '        extra_args: "-detpixels 64"',
    '      - name: detpixels-128',
    '        extra_args: "-detpixels 128"',
    '        thresholds: {corr_min: 0.99}',
  ].join('\n');
  const { cases, errors } = parseYamlCases(text, '/ws/tests/parity_cases.yaml');
  assert.deepEqual(errors, []);
  assert.equal(cases.length, 2);
  assert.equal(cases[0].id, 'AT-PARALLEL-001/detpixels-64');
  assert.equal(cases[0].fileStem, 'at_parallel_001_detpixels_64');
  assert.deepEqual(cases[0].flags.slice(-2), ['-detpixels', '64']);
  assert.equal(cases[0].flags[0], '-default_F');
  assert.deepEqual(cases[0].thresholds, { corrMin: 0.9999, sumRatioMin: 0.9, sumRatioMax: 1.1, maxAbsMax: 500 });
  assert.deepEqual(cases[1].thresholds, { corrMin: 0.99 }, 'run thresholds replace, not merge');
  assert.equal(cases[0].location?.line, 6);
  assert.equal(cases[1].location?.line, 8);
  assert.equal(cases[0].source, 'yaml');
});

test('parity_cases.yaml errors name the file and line and keep the good cases', () => {
  const text = 'cases:\n  - id: T\n    thresholds: {corr_min: high, bogus: 1}\n  - id: A\n    base_args: "-N 1"\n    runs:\n      - extra_args: "-detpixels 8"\n      - name: ok\n        extra_args: "-detpixels 8"\n  - base_args: "-N 2"\n';
  const { cases, errors } = parseYamlCases(text, '/ws/p.yaml');
  assert.deepEqual(cases.map((c) => c.id), ['A/ok']);
  assert.ok(errors.some((e) => e.includes('/ws/p.yaml') && e.includes('corr_min') && e.includes('expected a number')), errors.join('\n'));
  assert.ok(errors.some((e) => e.includes('bogus') && e.includes('unknown threshold')));
  assert.ok(errors.some((e) => e.includes('runs[0]') && e.includes('missing "name"')));
  assert.ok(errors.some((e) => e.includes('missing "id"')));
  const broken = parseYamlCases('cases: [\n', '/ws/p.yaml');
  assert.equal(broken.cases.length, 0);
  assert.match(broken.errors[0], /\/ws\/p\.yaml:\d+: YAML syntax error/);
});

test('cases.json is validated by schema: file, JSON path and what to do', () => {
  const good = JSON.stringify({ cases: [{ id: 'MY-1', flags: '-mat A.mat -N 1 -detpixels 64', thresholds: { corrMin: 0.999 }, embedded: { candidate: { preset: 'pytorch' } } }] }, null, 2);
  const ok = parseUserCases(good, '/ws/.nb-parity/cases.json');
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.cases[0].fileStem, 'my_1');
  assert.deepEqual(ok.cases[0].flags, ['-mat', 'A.mat', '-N', '1', '-detpixels', '64']);
  assert.equal(ok.cases[0].location?.line, 3);

  const bad = JSON.stringify({ cases: [
    { id: 'GOOD', flags: ['-N', '1'], thresholds: { corrMin: 0.9 } },
    { id: 'BAD', flags: 7, thresholds: { corrMin: 'x' }, colour: 'red' },
    { flags: '-N 1', thresholds: { corrMin: 0.9 } },
  ] });
  const r = parseUserCases(bad, '/ws/.nb-parity/cases.json');
  assert.deepEqual(r.cases.map((c) => c.id), ['GOOD']);
  const all = r.errors.join('\n');
  assert.match(all, /\/ws\/\.nb-parity\/cases\.json: cases\.1\.flags: must be a string of flags/);
  assert.match(all, /cases\.1: unknown property "colour"/);
  assert.match(all, /cases\.1\.thresholds\.corrMin: must be number/);
  assert.match(all, /cases\.2: missing required "id"/);
  assert.ok(r.errors.every((e) => e.includes('see docs/cases.md for the format')));
  assert.match(parseUserCases('{oops', '/ws/c.json').errors[0], /\/ws\/c\.json: not valid JSON/);
  assert.match(parseUserCases('{"cases": 3}', '/ws/c.json').errors[0], /cases: must be array/);
});

test('loadCases merges built-ins, yaml and user cases; duplicates are reported and skipped', async () => {
  const ws = await copyDemoWorkspace('nbp-cases-', ['tests']);
  await mkdir(join(ws, '.nb-parity'));
  await writeFile(join(ws, '.nb-parity/cases.json'), JSON.stringify({ cases: [
    { id: 'TC-D1', flags: '-N 1', thresholds: { corrMin: 0.9 } },
    { id: 'MINE', flags: '-N 1', fileStem: 'tc_d3', thresholds: { corrMin: 0.9 } },
    { id: 'MINE-2', flags: '-N 1 -detpixels 32', thresholds: { corrMin: 0.5 } },
  ] }));
  const { cases, errors } = await loadCases(ws);
  const ids = cases.map((c) => c.id);
  assert.deepEqual(ids.slice(0, 2), ['TC-D1', 'TC-D3']);
  assert.ok(ids.includes('DEMO-MAT-N1/detpixels-64'));
  assert.ok(ids.includes('MINE-2'));
  assert.ok(!ids.includes('MINE'));
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /case id "TC-D1" is already defined by built-in TC-D1/);
  assert.match(errors[1], /file stem "tc_d3"/);

  const sel = selectCases(cases, ['tc-d1', 'DEMO-MAT-N1']);
  assert.deepEqual(sel.cases.map((c) => c.id), ['TC-D1', 'DEMO-MAT-N1/detpixels-64', 'DEMO-MAT-N1/detpixels-128']);
  assert.deepEqual(selectCases(cases, ['nope']).unknown, ['nope']);
  assert.deepEqual(selectCases(cases, []).cases.map((c) => c.id), ['TC-D1', 'TC-D3']);
});

test('flag helpers: shell-like split, absolute paths, runner-owned outputs, quoting round trip', () => {
  assert.deepEqual(splitArgs(`-mat "my dir/A.mat" -N 1 'x y' a\\ b`), ['-mat', 'my dir/A.mat', '-N', '1', 'x y', 'a b']);
  assert.throws(() => splitArgs('-mat "A.mat'), /unterminated/);
  assert.deepEqual(absolutizeFlags(['-mat', 'A.mat', '-hkl', '/abs/P1.hkl', '-sourcefile', 'f/s.txt', '-N', '1'], '/ws'),
    ['-mat', '/ws/A.mat', '-hkl', '/abs/P1.hkl', '-sourcefile', '/ws/f/s.txt', '-N', '1']);
  assert.deepEqual(stripOutputFlags(['-N', '1', '-floatfile', 'x.bin', '-intfile', 'i.img', '-nonoise']), ['-N', '1', '-nonoise']);
  const argv = ['prog', 'a b', "it's", '-x', ''];
  assert.deepEqual(splitArgs(shellJoin(argv)), argv);
});

// issue 12 item 3: a thresholds map that cannot be read is an error for that case, never "no gate, always passes".
test('unreadable thresholds are an error for the case; the seed gate applies only when the key is absent', () => {
  const bad: [string, RegExp][] = [
    ['{corr_min: "0.999"}', /corr_min: expected a number, got "0\.999" \(a quoted number is text/],
    ['{corr_min: .nan}', /corr_min: expected a number, got null|corr_min: expected a number, got NaN/],
    ['{treshold_min: 1}', /unknown threshold/],
    ['{}', /empty thresholds map/],
    ['', /expected a mapping/],
  ];
  for (const [th, re] of bad) {
    const text = `cases:\n  - id: GOOD\n    base_args: "-N 1"\n  - id: BAD\n    base_args: "-N 1"\n    thresholds: ${th}\n`;
    const { cases, errors } = parseYamlCases(text, '/ws/p.yaml');
    assert.deepEqual(cases.map((c) => c.id), ['GOOD'], `thresholds ${th}: ${errors.join('\n')}`);
    assert.deepEqual(cases[0].thresholds, { corrMin: 0.999, sumRatioTol: 1e-3 }, 'absent key → the seed gate');
    assert.ok(errors.some((e) => re.test(e) && e.startsWith('/ws/p.yaml:6:')), `thresholds ${th}: ${errors.join('\n')}`);
  }
  // A run's unreadable thresholds drop that run only.
  const runs = parseYamlCases('cases:\n  - id: C\n    runs:\n      - name: a\n      - name: b\n        thresholds: {}\n', '/ws/p.yaml');
  assert.deepEqual(runs.cases.map((c) => c.id), ['C/a']);
  const json = parseUserCases(JSON.stringify({ cases: [{ id: 'E', flags: '-N 1', thresholds: {} }] }), '/ws/c.json');
  assert.deepEqual(json.cases, []);
  assert.match(json.errors[0], /cases\.0\.thresholds: empty/);
});

test('unknown keys in a YAML case or run are errors with a "did you mean"', () => {
  const text = 'cases:\n  - id: A\n    base_args: "-N 1"\n    treshold: {corr_min: 0.5}\n  - id: B\n    runs:\n      - name: r\n        extra_arg: "-N 2"\n  - id: C\n';
  const { cases, errors } = parseYamlCases(text, '/ws/p.yaml');
  assert.deepEqual(cases.map((c) => c.id), ['C']);
  assert.ok(errors.some((e) => /^\/ws\/p\.yaml:4: .*unknown key "treshold" \(did you mean "thresholds"\?\)/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /^\/ws\/p\.yaml:8: .*unknown key "extra_arg" \(did you mean "extra_args"\?\)/.test(e)), errors.join('\n'));
  const json = parseUserCases(JSON.stringify({ cases: [{ id: 'J', flags: '-N 1', treshold: {}, thresholds: { corrMn: 1 } }] }), '/ws/c.json');
  assert.match(json.errors.join('\n'), /unknown property "treshold" \(did you mean "thresholds"\?\)/);
  assert.match(json.errors.join('\n'), /unknown property "corrMn" \(did you mean "corrMin"\?\)/);
});

// issue 12 item 2: a newline in an id would become a `## [ID]` heading in fix_plan.md.
test('case ids and run names with control characters are refused, naming file and line', () => {
  const text = 'cases:\n  - id: OK\n  - id: |\n      EVIL\n      ## [X]\n    base_args: "-N 1"\n  - id: R\n    runs:\n      - name: "a\\tb"\n';
  const { cases, errors } = parseYamlCases(text, '/ws/p.yaml');
  assert.deepEqual(cases.map((c) => c.id), ['OK']);
  assert.ok(errors.some((e) => /^\/ws\/p\.yaml:3: .*case id "EVIL\\n## \[X\]\\n" contains a newline/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /^\/ws\/p\.yaml:9: .*run name "a\\tb" contains a tab/.test(e)), errors.join('\n'));
  const json = parseUserCases(JSON.stringify({ cases: [{ id: 'A\u0007B', flags: '-N 1', thresholds: { corrMin: 1 } }] }), '/ws/c.json');
  assert.deepEqual(json.cases, []);
  assert.match(json.errors[0], /cases\.0\.id: a case id must be one word without spaces, newlines or control characters/);
});

test('YAML syntax errors name their real line; a BOM in cases.json is accepted', () => {
  const broken = parseYamlCases('cases:\n  - id: A\n    base_args: "-N 1\n  - id: B\n', '/ws/p.yaml');
  assert.match(broken.errors[0], /^\/ws\/p\.yaml:[1-9]\d*: YAML syntax error/);
  const bom = parseUserCases(`\uFEFF${JSON.stringify({ cases: [{ id: 'B', flags: '-N 1', thresholds: { corrMin: 0.9 } }] })}`, '/ws/c.json');
  assert.deepEqual(bom.errors, []);
  assert.deepEqual(bom.cases.map((c) => c.id), ['B']);
});
