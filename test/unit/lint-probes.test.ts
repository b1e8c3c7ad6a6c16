// Each lint ban of eslint.config.mjs fires: every file in test/lint-probes/ names where it pretends to live
// (`// probe: <path>`) and the rule message it must get (`// expect: <message>`, or `(clean)` for an import that
// must stay allowed). ESLint's Node API lints the probe text as if it were that file, with the project's config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PROBES = path.join(ROOT, 'test/lint-probes');
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.mjs') });

const probes = readdirSync(PROBES).filter((f) => f.endsWith('.ts')).sort();

test('there is a probe for each ban (shared: node, vscode, runtime core; core: cli, extension, vscode; cli; webview)', () => {
  assert.ok(probes.length >= 11, `only ${probes.length} probes`);
});

for (const name of probes) {
  test(`lint probe ${name}`, async () => {
    const text = readFileSync(path.join(PROBES, name), 'utf8');
    const at = /^\/\/ probe: (\S+)$/m.exec(text)?.[1];
    const expect = /^\/\/ expect: (.+)$/m.exec(text)?.[1];
    assert.ok(at && expect, `${name} lacks its "// probe:" or "// expect:" line`);
    const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, at) });
    const messages = result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
    if (expect === '(clean)') assert.deepEqual(messages, [], `${name} as ${at} should lint clean`);
    else assert.ok(messages.some((m) => m.includes(expect)), `${name} as ${at}: expected "${expect}", got ${JSON.stringify(messages)}`);
  });
}
