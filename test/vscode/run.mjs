// Placeholder until the @vscode/test-electron suite lands (issue 4).
console.log('test:vscode: no suite yet');
