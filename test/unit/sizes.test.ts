// Size limits of the founders' standard for the host, the shared floor and the webview: no file over ~400 lines,
// no function (declaration, method, arrow, constructor) over ~120 lines. Measured with the TypeScript parser on
// the real source, so a long function fails here with its name and length. (src/core and src/cli have their own
// exceptions — the simulator's hot loop and config builder — and are not checked here yet.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHECKED = ['src/extension', 'src/shared', 'media'];
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 120;

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    return e.isDirectory() ? tsFiles(rel) : e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every function-like node longer than `max` lines, as "file:line name (n lines)". */
export function longFunctions(file: string, text: string, max: number): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = (node as ts.FunctionLikeDeclaration).name?.getText(sf) ?? '(anonymous)';
      if (end - start + 1 > max) out.push(`${file}:${start + 1} ${name} (${end - start + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const files = CHECKED.flatMap(tsFiles);

test(`no file in ${CHECKED.join(', ')} is over ${MAX_FILE_LINES} lines`, () => {
  assert.ok(files.length > 30);
  const big = files.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8').split('\n').length] as const).filter(([, n]) => n > MAX_FILE_LINES);
  assert.deepEqual(big.map(([f, n]) => `${f} (${n} lines)`), []);
});

test(`no function in ${CHECKED.join(', ')} is over ${MAX_FUNCTION_LINES} lines`, () => {
  const long = files.flatMap((f) => longFunctions(f, readFileSync(path.join(ROOT, f), 'utf8'), MAX_FUNCTION_LINES));
  assert.deepEqual(long, []);
});

test('the function measure sees methods, arrows and nested functions', () => {
  const body = (n: number) => Array.from({ length: n }, () => '  x++;').join('\n');
  const text = `class A {\n  m() {\n${body(5)}\n  }\n}\nconst f = () => {\n${body(3)}\n};\nfunction g() {\n  function inner() {\n${body(4)}\n  }\n}\n`;
  assert.deepEqual(longFunctions('x.ts', text, 5), ['x.ts:2 m (7 lines)', 'x.ts:15 g (8 lines)', 'x.ts:16 inner (6 lines)']);
});
