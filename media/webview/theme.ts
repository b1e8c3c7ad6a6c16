// Colours from the VS Code theme (CSS variables on the webview's <html>/<body>), for charts, markers and export.
import type { ChartTheme } from './charts.ts';
import { FALLBACK_THEME } from './charts.ts';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export interface ViewTheme extends ChartTheme {
  background: string;
  highContrast: boolean;
}

export function readTheme(): ViewTheme {
  const foreground = cssVar('--vscode-foreground', cssVar('--vscode-editor-foreground', FALLBACK_THEME.foreground));
  return {
    foreground,
    grid: cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', FALLBACK_THEME.grid)),
    font: cssVar('--vscode-font-family', FALLBACK_THEME.font),
    reference: cssVar('--vscode-charts-blue', FALLBACK_THEME.reference),
    candidate: cssVar('--vscode-charts-orange', FALLBACK_THEME.candidate),
    model: cssVar('--vscode-charts-green', FALLBACK_THEME.model),
    accent: cssVar('--vscode-charts-purple', FALLBACK_THEME.accent),
    warning: cssVar('--vscode-charts-red', FALLBACK_THEME.warning),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

/** Call `onChange` when VS Code switches theme (it rewrites the body class and the variables). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-id'] });
}
