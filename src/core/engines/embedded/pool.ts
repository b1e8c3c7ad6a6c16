// Splits the detector rows across worker threads; each worker returns its block by transfer.
// The image does not depend on the split (pixels are independent; the φ=0 carry state is derived per block).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { SimConfig } from './config.ts';
import type { WorkReply, WorkRequest } from './worker.ts';
import { renderRows } from './kernel.ts';
import { workerScript } from './workerScript.ts';

const live = new Set<Worker>();
/** Worker threads of this module still alive (0 after every settled render: nothing is left behind). */
export function liveWorkers(): number {
  return live.size;
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error('embedded simulation cancelled');
  err.name = 'AbortError';
  return err;
}

/** Contiguous row blocks, as even as possible. */
export function splitRows(rows: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, rows));
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([Math.floor((rows * i) / n), Math.floor((rows * (i + 1)) / n)]);
  return out;
}

export interface RenderOptions { workers: number; signal?: AbortSignal; onProgress?: (fraction: number) => void }

/** Render the whole image. workers = 0 computes in the calling thread (blocking; cancel is checked before). */
export async function renderImage(config: SimConfig, opts: RenderOptions): Promise<Float32Array> {
  const { fpixels, spixels } = config;
  if (opts.signal?.aborted) throw abortError(opts.signal);
  if (opts.workers <= 0) {
    const out = new Float32Array(fpixels * spixels);
    renderRows(config, 0, spixels, out, (row) => opts.onProgress?.((row + 1) / spixels));
    return out;
  }
  const blocks = splitRows(spixels, opts.workers);
  const image = new Float32Array(fpixels * spixels);
  const rowsDone = new Array<number>(blocks.length).fill(0);
  const workers: Worker[] = [];
  const script = workerScript();
  let settled = false;
  return await new Promise<Float32Array>((resolve, reject) => {
    let remaining = blocks.length;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      // Settle only once every thread is gone: a cancelled run leaves nothing running behind it.
      void Promise.allSettled(workers.map((w) => w.terminate())).then(() => (err ? reject(err) : resolve(image)));
    };
    const onAbort = (): void => finish(abortError(opts.signal));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    blocks.forEach(([row0, row1], i) => {
      const w = new Worker(script);
      workers.push(w);
      live.add(w);
      w.once('exit', () => live.delete(w));
      w.on('message', (msg: WorkReply) => {
        if (msg.type === 'progress') {
          rowsDone[i] = msg.rows;
          opts.onProgress?.(rowsDone.reduce((a, b) => a + b, 0) / spixels);
        } else if (msg.type === 'done') {
          image.set(msg.image, row0 * fpixels);
          rowsDone[i] = row1 - row0;
          opts.onProgress?.(rowsDone.reduce((a, b) => a + b, 0) / spixels);
          if (--remaining === 0) finish();
        } else {
          finish(new Error(`embedded engine worker ${i} failed: ${msg.message}`));
        }
      });
      w.on('error', (err) => finish(new Error(`embedded engine worker ${i} (${script.pathname}) crashed: ${err.message}`)));
      w.on('exit', (code) => { if (!settled && code !== 0) finish(new Error(`embedded engine worker ${i} exited with code ${code}`)); });
      w.postMessage({ config, row0, row1 } satisfies WorkRequest);
    });
  });
}
