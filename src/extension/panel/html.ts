// Pure HTML for the results webview: strict CSP (no eval, nonce-only scripts), our stylesheet and bundled script.
// No vscode import: the panel passes in cspSource and the webview URIs as strings, so this is unit-tested.
import { randomBytes } from 'node:crypto';

export function makeNonce(): string {
  // Hex, not base64 with +/= stripped: that could leave fewer than 20 characters (a flaky unit test showed 19).
  return randomBytes(16).toString('hex');
}

export interface WebviewHtmlInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} blob: data:`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function buildWebviewHtml(i: WebviewHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(i.cspSource, i.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(i.styleUri)}">
<title>${esc(i.title)}</title>
</head>
<body>
<div id="app" role="main" aria-busy="true">Loading parity results…</div>
<script nonce="${esc(i.nonce)}" src="${esc(i.scriptUri)}"></script>
</body>
</html>
`;
}
