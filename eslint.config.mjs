// Lint: the core and the CLI must never import 'vscode' (the pure layer is shared with the headless CLI),
// the core must not import the CLI or the extension, src/shared (host and webview) imports no Node, no vscode and
// nothing at runtime from the layers above, and the webview code must not import Node or host modules.
// test/unit/lint-probes.test.ts proves each ban fires on the probe files in test/lint-probes/.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/e2e/.cache/**', 'test/e2e/results/**', 'examples/**', 'test/lint-probes/**', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {},
  },
  // typescript-eslint's recommended rules on every TypeScript file; `_`-prefixed names mark deliberate non-use.
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The core is pure: import vscode only under src/extension/.' }],
        patterns: [
          { group: ['**/extension/**', '../extension/*'], message: 'The core must not depend on the extension layer.' },
          { group: ['**/cli/**', '../cli/*'], message: 'The core must not depend on the CLI (the CLI is a client of the core).' },
        ],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The CLI is headless: import vscode only under src/extension/.' }],
        patterns: [{ group: ['**/extension/**', '../extension/*'], message: 'The CLI must not depend on the extension layer.' }],
      }],
    },
  },
  {
    // The shared floor runs in the host and in the webview's browser: no Node, no vscode, and only type imports
    // from the layers above (a runtime import would pull Node code into the webview bundle).
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/shared runs in the webview too: no vscode import.' }],
        patterns: [{ group: ['node:*'], message: 'src/shared runs in the webview too: no node: import.' }],
      }],
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/core/**', '**/cli/**', '**/extension/**', '../core/*', '../cli/*', '../extension/*'], allowTypeImports: true, message: 'src/shared is the ground floor: only type imports from core/cli/extension.' }],
      }],
    },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Webview code runs in the browser: talk to the host through the protocol.' }],
        patterns: [{ group: ['node:*', '**/core/**', '**/extension/**'], message: 'Webview code may import only src/shared and browser packages.' }],
      }],
    },
  },
);
