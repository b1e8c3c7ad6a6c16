// Lint: the core and the CLI must never import 'vscode' (the pure layer is shared with the headless CLI),
// and the webview code must not import Node or host modules.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/e2e/.cache/**', 'test/e2e/results/**', 'examples/**', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {},
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The core is pure: import vscode only under src/extension/.' }],
        patterns: [{ group: ['**/extension/**', '../extension/*'], message: 'The core must not depend on the extension layer.' }],
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
