// Placeholder until the code-server end-to-end harness lands (issue 6).
console.log('test:e2e: no scenarios yet');
