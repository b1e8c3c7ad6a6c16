// `roi:` in tests/parity_cases.yaml and .nb-parity/cases.json: the three accepted forms, run replaces case, and every
// unreadable region is an error naming the file and line (the case is not run, never judged on the full frame).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUserCases } from '../../src/core/cases/userCases.ts';
import { parseYamlCases } from '../../src/core/cases/yamlCases.ts';

const ROI = { x0: 100, x1: 160, y0: 90, y1: 150 };

test('parity_cases.yaml roi: list, "x0,x1,y0,y1" and {x0, x1, y0, y1}; a run roi replaces the case roi, runs without one inherit it', () => {
  const yaml = [
    'cases:',
    '  - id: A',
    '    base_args: "-N 1"',
    '    roi: [100, 160, 90, 150]',
    '    runs:',
    '      - name: inherits',
    '      - name: own',
    '        roi: "0, 10, 20, 30"',
    '      - name: mapping',
    '        roi: {x0: 1, x1: 2, y0: 3, y1: 4}',
    '  - id: B',
    '    base_args: "-N 1"',
    '    roi: "100,160,90,150"',
    '  - id: C',
    '    base_args: "-N 1"',
  ].join('\n');
  const { cases, errors } = parseYamlCases(yaml, '/w/tests/parity_cases.yaml');
  assert.deepEqual(errors, []);
  const by = Object.fromEntries(cases.map((c) => [c.id, c.roi]));
  assert.deepEqual(by['A/inherits'], ROI);
  assert.deepEqual(by['A/own'], { x0: 0, x1: 10, y0: 20, y1: 30 });
  assert.deepEqual(by['A/mapping'], { x0: 1, x1: 2, y0: 3, y1: 4 });
  assert.deepEqual(by.B, ROI);
  assert.equal(by.C, undefined);
  assert.ok(!('roi' in cases.find((c) => c.id === 'C')!), 'no roi key at all when the case has none');
});

test('parity_cases.yaml: an unreadable roi is an error at its own line, that case (or run) only is skipped', () => {
  const yaml = [
    'cases:',
    '  - id: SHORT',
    '    roi: [1, 2, 3]',
    '  - id: BACKWARDS',
    '    roi: "50,10,0,5"',
    '  - id: FRACTION',
    '    roi: [0.5, 2, 3, 4]',
    '  - id: KEYS',
    '    roi: {x0: 1, x1: 2, y0: 3, z: 4}',
    '  - id: GOOD',
    '    runs:',
    '      - name: bad-run',
    '        roi: "a,b,c,d"',
    '      - name: ok',
    '  - id: TYPO',
    '    rio: [1, 2, 3, 4]',
  ].join('\n');
  const { cases, errors } = parseYamlCases(yaml, '/w/p.yaml');
  assert.deepEqual(cases.map((c) => c.id), ['GOOD/ok']);
  const find = (re: RegExp) => errors.find((e) => re.test(e)) ?? assert.fail(`no error matching ${re}:\n${errors.join('\n')}`);
  assert.match(find(/\(SHORT\)\.roi/), /^\/w\/p\.yaml:3: cases\[0\] \(SHORT\)\.roi: \[1,2,3\]: expected \[x0, x1, y0, y1\].*the case is not run/);
  assert.match(find(/\(BACKWARDS\)\.roi/), /^\/w\/p\.yaml:5: .*50,10,0,5: max below min/);
  assert.match(find(/\(FRACTION\)\.roi/), /^\/w\/p\.yaml:7: .*expected X0,X1,Y0,Y1 \(fast min, fast max, slow min, slow max; whole pixels, inclusive\)/);
  assert.match(find(/\(KEYS\)\.roi/), /^\/w\/p\.yaml:9: .*missing y1; unknown z/);
  assert.match(find(/GOOD\.runs\[0\]\.roi/), /^\/w\/p\.yaml:13: GOOD\.runs\[0\]\.roi: a,b,c,d: expected X0,X1,Y0,Y1/);
  assert.match(find(/"rio"/), /^\/w\/p\.yaml:16: .*unknown key "rio" \(did you mean "roi"\?\)/);
});

test('cases.json roi: the three forms load; wrong shapes and max < min are errors naming the file and the case path', () => {
  const base = { flags: '-N 1', thresholds: { corrMin: 0.9 } };
  const ok = parseUserCases(JSON.stringify({ cases: [
    { id: 'L', ...base, roi: [100, 160, 90, 150] },
    { id: 'S', ...base, roi: '100,160,90,150' },
    { id: 'M', ...base, roi: ROI },
    { id: 'N', ...base },
  ] }), '/w/.nb-parity/cases.json');
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.cases.map((c) => c.roi), [ROI, ROI, ROI, undefined]);

  const bad = parseUserCases(JSON.stringify({ cases: [
    { id: 'SHORT', ...base, roi: [1, 2, 3] },
    { id: 'NEG', ...base, roi: [-1, 2, 3, 4] },
    { id: 'KEY', ...base, roi: { x0: 1, x1: 2, y0: 3, y: 4 } },
    { id: 'BACK', ...base, roi: '9,1,0,0' },
    { id: 'FINE', ...base },
  ] }), '/w/.nb-parity/cases.json');
  assert.deepEqual(bad.cases.map((c) => c.id), ['FINE']);
  for (const i of [0, 1, 2]) {
    assert.ok(bad.errors.some((e) => e.startsWith(`/w/.nb-parity/cases.json: cases.${i}.roi: expected [x0, x1, y0, y1]`)), `${i}:\n${bad.errors.join('\n')}`);
  }
  assert.ok(bad.errors.some((e) => /^\/w\/\.nb-parity\/cases\.json: cases\.3\.roi: 9,1,0,0: max below min/.test(e)), bad.errors.join('\n'));
});
