// Entry loaded by @vscode/test-electron inside the VS Code extension host: runs the mocha suite bundled next to it.
import Mocha from 'mocha';
import * as path from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: true, timeout: 180_000 });
  mocha.addFile(path.join(__dirname, 'extension.test.cjs'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} VS Code test(s) failed`)) : resolve()));
  });
}
