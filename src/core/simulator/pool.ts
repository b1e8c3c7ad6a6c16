// Splits the detector rows across worker threads; each worker returns its block by transfer.
// The image does not depend on the split (pixels are independent; the φ=0 carry state is derived per block).
// Finished workers stay idle for a few seconds (unref'd: they never keep the process alive) so repeated
// simulations (attribution, the extension) reuse threads whose kernel is already JIT-compiled.
// Cancelling terminates the busy workers; nothing else ever runs in the background.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { SimConfig } from './config.ts';
import type { WorkReply, WorkRequest } from './worker.ts';
import { renderRows, type InterpStop } from './kernel.ts';
import { workerScript } from './workerScript.ts';

const IDLE_MS = 10_000;
const busy = new Set<Worker>();
const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];

/** Worker threads currently computing (0 after every settled render). */
export function liveWorkers(): number {
  return busy.size;
}
/** Worker threads kept warm for the next render. */
export function idleWorkers(): number {
  return idle.length;
}
/** Terminate the idle workers now (e.g. on extension deactivation). */
export async function shutdownEngineWorkers(): Promise<void> {
  const all = idle.splice(0);
  for (const { timer } of all) clearTimeout(timer);
  await Promise.allSettled(all.map(({ worker }) => worker.terminate()));
}

function acquire(script: URL): Worker {
  while (idle.length) {
    const { worker, timer } = idle.pop()!;
    clearTimeout(timer);
    if (worker.threadId >= 0) { worker.ref(); busy.add(worker); return worker; }
  }
  const w = new Worker(script);
  busy.add(w);
  w.once('exit', () => {
    busy.delete(w);
    const i = idle.findIndex((x) => x.worker === w);
    if (i >= 0) { clearTimeout(idle[i]!.timer); idle.splice(i, 1); }
  });
  return w;
}

function release(w: Worker): void {
  busy.delete(w);
  w.removeAllListeners('message');
  w.removeAllListeners('error');
  w.unref();
  const timer = setTimeout(() => {
    const i = idle.findIndex((x) => x.worker === w);
    if (i >= 0) idle.splice(i, 1);
    void w.terminate();
  }, IDLE_MS);
  timer.unref();
  idle.push({ worker: w, timer });
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
  let cfg = config;
  if (cfg.interpolate && cfg.hkl) {
    // C turns interpolation off for good at the first out-of-range evaluation. Find it with a sequential render
    // that stops there (usually within the first pixels); if it never happens, that render is the image.
    const scan = opts.workers <= 0
      ? (() => { const out = new Float32Array(fpixels * spixels); return { image: out, stop: renderRows(cfg, 0, spixels, out, undefined, true) }; })()
      : await runBlocks(cfg, [[0, spixels]], { ...opts, onProgress: undefined }, true);
    if (!scan.stop) return scan.image;
    cfg = { ...cfg, interpUntilPixel: scan.stop.pixel, interpUntilEval: scan.stop.evalIndex };
  }
  if (opts.workers <= 0) {
    const out = new Float32Array(fpixels * spixels);
    renderRows(cfg, 0, spixels, out, (row) => opts.onProgress?.((row + 1) / spixels));
    return out;
  }
  return (await runBlocks(cfg, splitRows(spixels, opts.workers), opts, false)).image;
}

async function runBlocks(config: SimConfig, blocks: [number, number][], opts: RenderOptions, scanInterp: boolean): Promise<{ image: Float32Array; stop?: InterpStop }> {
  const { fpixels, spixels } = config;
  const image = new Float32Array(fpixels * spixels);
  const rowsDone = new Array<number>(blocks.length).fill(0);
  const script = workerScript();
  const workers: Worker[] = [];
  const finished = new Set<Worker>();
  const onExit = new Map<Worker, (code: number) => void>();
  let stop: InterpStop | undefined;
  let settled = false;
  return await new Promise<{ image: Float32Array; stop?: InterpStop }>((resolve, reject) => {
    let remaining = blocks.length;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const [w, h] of onExit) w.off('exit', h);
      if (!err) {
        for (const w of workers) release(w);
        resolve({ image, stop });
        return;
      }
      // Settle only once every busy thread is gone: a cancelled or failed run leaves nothing running.
      const running = workers.filter((w) => !finished.has(w));
      for (const w of workers) if (finished.has(w)) release(w);
      void Promise.allSettled(running.map((w) => w.terminate())).then(() => reject(err));
    };
    const onAbort = (): void => finish(abortError(opts.signal));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    blocks.forEach(([row0, row1], i) => {
      const w = acquire(script);
      workers.push(w);
      w.on('message', (msg: WorkReply) => {
        if (settled) return;
        if (msg.type === 'progress') {
          rowsDone[i] = msg.rows;
          opts.onProgress?.(rowsDone.reduce((a, b) => a + b, 0) / spixels);
        } else if (msg.type === 'done') {
          finished.add(w);
          image.set(msg.image, row0 * fpixels);
          if (msg.stop) stop = msg.stop;
          rowsDone[i] = row1 - row0;
          if (!msg.stop) opts.onProgress?.(rowsDone.reduce((a, b) => a + b, 0) / spixels);
          if (--remaining === 0) finish();
        } else {
          finish(new Error(`embedded engine worker ${i} failed: ${msg.message}`));
        }
      });
      w.on('error', (err) => finish(new Error(`embedded engine worker ${i} (${script.pathname}) crashed: ${err.message}`)));
      const exitHandler = (code: number): void => { if (!settled && !finished.has(w)) finish(new Error(`embedded engine worker ${i} exited with code ${code}`)); };
      onExit.set(w, exitHandler);
      w.once('exit', exitHandler);
      w.postMessage({ config, row0, row1, scanInterp } satisfies WorkRequest);
    });
  });
}
