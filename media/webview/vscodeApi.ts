// The one handle on the VS Code webview API. acquireVsCodeApi may be called only once per page.
import type { PersistedState, WebviewToHost } from '../../src/shared/messages.ts';
import { isPersistedState } from '../../src/shared/messages.ts';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = typeof acquireVsCodeApi === 'function'
  ? acquireVsCodeApi()
  // Outside VS Code (a plain browser page) there is no host: keep the UI usable and say so in the console.
  : { postMessage: (m) => console.warn('no VS Code host; dropped message', m), getState: () => undefined, setState: () => undefined };

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

export function restoredState(): PersistedState | undefined {
  const s = api.getState();
  return isPersistedState(s) ? s : undefined;
}

export function saveState(state: PersistedState): void {
  api.setState(state);
}

let nextId = 1;
export function newRequestId(): number {
  return nextId++;
}
