// Worker thread: renders a block of rows and transfers the pixels back. Messages are plain data.
import { parentPort } from 'node:worker_threads';
import { renderRows, type InterpStop } from './kernel.ts';
import type { SimConfig } from './config.ts';

export interface WorkRequest { config: SimConfig; row0: number; row1: number; scanInterp?: boolean }
export type WorkReply =
  | { type: 'progress'; rows: number }
  | { type: 'done'; image: Float32Array; ms: number; stop?: InterpStop }
  | { type: 'error'; message: string };

if (parentPort) {
  const port = parentPort;
  // A worker serves requests one after another; the pool keeps idle workers warm (JIT-compiled kernel).
  port.on('message', (req: WorkRequest) => {
    try {
      const t0 = performance.now();
      const out = new Float32Array((req.row1 - req.row0) * req.config.fpixels);
      let done = 0;
      let last = t0;
      const stop = renderRows(req.config, req.row0, req.row1, out, () => {
        done++;
        const now = performance.now();
        if (now - last > 100) { last = now; port.postMessage({ type: 'progress', rows: done } satisfies WorkReply); }
      }, req.scanInterp);
      port.postMessage({ type: 'done', image: out, ms: performance.now() - t0, stop } satisfies WorkReply, [out.buffer]);
    } catch (err) {
      port.postMessage({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies WorkReply);
    }
  });
}
