// The import levels of docs/architecture.md, checked on the real source: every import of src/ and media/ (type
// imports, re-exports and dynamic imports included) must point to the same or a lower floor, media/webview may
// reach only src/shared, and the import graph has no cycle. A failure prints the offending edge or cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Floors, lowest first: a file may import only files of its own floor or below. First matching prefix wins. */
const FLOORS: [prefix: string, level: number][] = [
  ['src/shared/', 0],
  ['src/core/settings.ts', 1], ['src/core/codeIdentity.ts', 1], ['src/core/workspace/', 1], ['src/core/images/', 1], ['src/core/cases/', 1], ['src/core/simulator/', 1],
  ['src/core/metrics/', 2], ['src/core/diagnosis/', 2],
  ['src/core/engines/', 3], ['src/core/attribution/', 3], ['src/core/trace/', 3],
  ['src/core/evidence/', 4],
  ['src/core/ledger/', 5], ['src/core/compare/', 5], ['src/core/export/', 5], ['src/core/report/', 5], // compare/export/report read bundles, as the ledger does
  ['src/core/parity.ts', 6], ['src/core/run/', 6], // the orchestrator and its pipeline steps
  ['src/cli/', 7], ['src/extension/', 7],
];

function floorOf(file: string): number | undefined {
  return FLOORS.find(([prefix]) => file === prefix || file.startsWith(prefix))?.[1];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

// import x from '…' / import type {…} from '…' / export {…} from '…' / import '…' / import('…'), across lines.
const IMPORT_RE = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*$\s{},]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith('.')) continue; // packages and node: builtins are not edges of our graph
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
  }
  return out;
}

const files = [...sourceFiles('src'), ...sourceFiles('media')];
const known = new Set(files);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => known.has(t) || t.startsWith('src/') || t.startsWith('media/'))]));

test('the import graph is read from the real source (sanity: known edges are found)', () => {
  assert.ok(files.length > 50, `only ${files.length} files found`);
  assert.ok(graph.get('src/core/parity.ts')!.some((t) => t.startsWith('src/core/evidence/')), 'parity.ts → evidence edge not found');
  assert.ok(graph.get('media/webview/main.ts')!.some((t) => t.startsWith('src/shared/')), 'webview → shared edge not found');
  for (const [from, tos] of graph) for (const to of tos) assert.ok(known.has(to), `${from} imports ${to}, which does not exist`);
});

function upwardEdges(g: Map<string, string[]>): string[] {
  const upward: string[] = [];
  for (const [from, tos] of g) {
    if (!from.startsWith('src/')) continue;
    for (const to of tos) {
      const a = floorOf(from)!, b = floorOf(to);
      if (b === undefined || b > a) upward.push(`${from} (floor ${a}) → ${to} (floor ${b ?? 'none'})`);
    }
  }
  return upward;
}

/** Depth-first search with colours; a grey target closes a cycle, reported as the path around it. */
function findCycles(g: Map<string, string[]>): string[] {
  const colour = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (f: string): void => {
    colour.set(f, 'grey');
    stack.push(f);
    for (const t of g.get(f) ?? []) {
      if (colour.get(t) === 'grey') cycles.push([...stack.slice(stack.indexOf(t)), t].join(' → '));
      else if (!colour.has(t)) visit(t);
    }
    stack.pop();
    colour.set(f, 'black');
  };
  for (const f of g.keys()) if (!colour.has(f)) visit(f);
  return cycles;
}

test('every file of src/ sits on a floor, and no import goes up a floor', () => {
  const unplaced = files.filter((f) => f.startsWith('src/') && floorOf(f) === undefined);
  assert.deepEqual(unplaced, [], 'files on no floor (add their room to FLOORS and docs/architecture.md)');
  const upward = upwardEdges(graph);
  assert.deepEqual(upward, [], `upward imports:\n${upward.join('\n')}`);
});

test('media/webview imports only media/ and src/shared', () => {
  const bad: string[] = [];
  for (const [from, tos] of graph) {
    if (!from.startsWith('media/')) continue;
    for (const to of tos) if (!to.startsWith('media/') && !to.startsWith('src/shared/')) bad.push(`${from} → ${to}`);
  }
  assert.deepEqual(bad, []);
});

test('no import cycle in src/ + media/', () => {
  const cycles = findCycles(graph);
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
});

test('the checker itself catches a cycle and an upward edge (so a green run means something)', () => {
  const g = new Map([
    ['src/core/metrics/a.ts', ['src/core/evidence/b.ts']],
    ['src/core/evidence/b.ts', ['src/core/metrics/a.ts']],
    ['src/shared/c.ts', []],
  ]);
  assert.deepEqual(upwardEdges(g), ['src/core/metrics/a.ts (floor 2) → src/core/evidence/b.ts (floor 4)']);
  assert.deepEqual(findCycles(g), ['src/core/metrics/a.ts → src/core/evidence/b.ts → src/core/metrics/a.ts']);
  assert.equal(floorOf('src/core/metrics/verdict.ts'), 2);
  assert.ok(floorOf('src/core/parity.ts')! > floorOf('src/core/evidence/index.ts')!);
  const text = `import type { A } from './a.ts';\nexport { b } from "../b.ts";\nconst c = await import('./c.ts');\nimport './d.ts';\n// import x from './commented.ts';\nimport {\n  e,\n  f,\n} from './ef.ts';`;
  const specs = [...text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '').matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2]);
  assert.deepEqual(specs, ['./a.ts', '../b.ts', './c.ts', './d.ts', './ef.ts']);
});
