// Imported first by main.ts, so the bundle evaluates it before any other module: the moment the webview script
// started to run (the first-paint breakdown in firstPaint.ts tells script loading from script evaluation).
export const scriptStart = performance.now();
