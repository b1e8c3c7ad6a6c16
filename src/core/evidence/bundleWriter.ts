// The one place that writes into an evidence bundle. Every name comes from layout.ts's bundleFiles; every write is
// atomic and refuses to replace evidence (the only rewrites: summary.md, bundle.json and complete.json when files are
// added to a finished bundle). complete.json is always the last file written: its absence means "incomplete".
import { createHash } from 'node:crypto';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineRun } from '../../shared/types.ts';
import { differenceImage, encodePng } from '../images/png.ts';
import { encodeFloat32LE } from '../images/floatImage.ts';
import { moveNoClobber, writeFileAtomic } from './atomic.ts';
import { bundleFiles } from './layout.ts';
import { createBundleDir } from './stamp.ts';
import { readCompletion, writeCompletion, type CompletionStatus } from './completion.ts';

/** The run-level text files, by role; the writer knows their names. */
export interface RunTexts {
  commands: string;
  metrics: string;
  correlation: string;
  sumRatio: string;
  diagnostics: string;
  env: string;
  bundleJson: string;
  summary: string;
  attribution?: string;
  /** The run matrix (every run, its change against the previous bundle that ran the case). */
  matrix?: string;
}

/** One pixel trace set for a case (any part may be absent). */
export interface TraceFiles {
  stem: string;
  slow: number;
  fast: number;
  c?: string;
  py?: string;
  diff?: string;
}

/** What a finished bundle's summary.md and bundle.json become once files are added to it. */
export interface Rewrites {
  summary?: string;
  bundleJson?: string;
}

export class BundleWriter {
  /** sha256 of the images this run holds in memory, by bundle file name (see noteImage). */
  private readonly imageHashes = new Map<string, { sha256: string; bytes: number }>();

  private constructor(readonly dir: string, readonly stamp: string) {}

  /**
   * Hash one side's image from memory as soon as it exists (the other side is usually still simulating), so
   * complete.json need not read the full-size file back. The file's bytes are the image's little-endian float32
   * bytes (readFloatImage decodes them bit for bit; the embedded engine writes them so); finish() also checks sizes.
   */
  noteImage(prefix: string, stem: string, image: Float32Array): void {
    const bytes = encodeFloat32LE(image);
    this.imageHashes.set(bundleFiles.image(prefix, stem), { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength });
  }

  /** The sha256 and size of an image noted by noteImage, by bundle file name (C run reuse records it). */
  imageHash(name: string): { sha256: string; bytes: number } | undefined {
    return this.imageHashes.get(name);
  }

  /** A fresh, timestamped bundle folder under `phase`. */
  static async create(phase: string): Promise<BundleWriter> {
    const { dir, stamp } = await createBundleDir(phase);
    return new BundleWriter(dir, stamp);
  }

  /** A writer for an existing bundle (adding attribution or trace files). */
  static open(dir: string, stamp = ''): BundleWriter {
    return new BundleWriter(dir, stamp);
  }

  /** An empty scratch folder for one side of a case, and the image path the engine writes into it. */
  async scratch(prefix: string, stem: string): Promise<{ dir: string; outFile: string }> {
    const dir = this.scratchPath(prefix, stem);
    await mkdir(dir, { recursive: true });
    return { dir, outFile: join(dir, bundleFiles.image(prefix, stem)) };
  }

  scratchPath(prefix: string, stem: string): string {
    return join(this.dir, bundleFiles.scratch(prefix, stem));
  }

  /**
   * File one side's outputs: move its image in from the scratch folder (never over an existing file), write its
   * stdout (always) and stderr (when any), then drop the scratch folder if it is empty.
   */
  async fileSide(prefix: string, stem: string, run: EngineRun, log: (line: string) => void): Promise<{ image?: string; stdout: string }> {
    const imageName = bundleFiles.image(prefix, stem);
    const scratch = this.scratchPath(prefix, stem);
    let image: string | undefined;
    if (run.image) {
      await moveNoClobber(join(scratch, imageName), join(this.dir, imageName)).then(() => { image = imageName; }, (e) => log(`could not move ${imageName}: ${(e as Error).message}`));
    }
    const stdout = bundleFiles.stdout(prefix, stem);
    await this.put(stdout, run.stdout);
    if (run.stderr) await this.put(bundleFiles.stderr(prefix, stem), run.stderr);
    await removeIfEmpty(scratch);
    return { image, stdout };
  }

  /** A side's intensity preview, encoded ahead of writePreviews (the same bytes it would write). */
  static intensityPreview(run: EngineRun): Buffer | undefined {
    return run.image ? encodePng(run.image, run.fpixels, run.spixels, { kind: 'intensity', scale: 'log' }) : undefined;
  }

  /** The preview names writePreviews will write for these runs, in its order. */
  static previewNames(stem: string, ref: EngineRun, cand: EngineRun, withDiff: boolean): string[] {
    return [
      ...(ref.image ? [bundleFiles.preview('reference', stem)] : []), ...(cand.image ? [bundleFiles.preview('candidate', stem)] : []),
      ...(withDiff && ref.image && cand.image ? [bundleFiles.preview('diff', stem)] : []),
    ];
  }

  /**
   * PNG previews of both images (log scale) and, for same-sized images, their difference (linear). Each name is
   * pushed to `out` once its file is in place, so a failure part-way still tells which ones exist.
   */
  async writePreviews(stem: string, ref: EngineRun, cand: EngineRun, withDiff: boolean, out: string[] = [],
    encoded: (run: EngineRun) => Buffer | undefined = () => undefined): Promise<string[]> {
    const png = async (name: string, img: Float32Array, f: number, s: number, kind: 'intensity' | 'difference') => {
      await this.put(name, encodePng(img, f, s, { kind, scale: kind === 'intensity' ? 'log' : 'linear' }));
      out.push(name);
    };
    const side = async (run: EngineRun, name: string) => {
      const early = encoded(run);
      if (early) { await this.put(name, early); out.push(name); } else await png(name, run.image!, run.fpixels, run.spixels, 'intensity');
    };
    if (ref.image) await side(ref, bundleFiles.preview('reference', stem));
    if (cand.image) await side(cand, bundleFiles.preview('candidate', stem));
    if (withDiff && ref.image && cand.image) await png(bundleFiles.preview('diff', stem), differenceImage(ref.image, cand.image), ref.fpixels, ref.spixels, 'difference');
    return out;
  }

  /** The attribution's best model image of a run (`--explain`): model_<stem>.bin. */
  async writeModel(stem: string, image: Float32Array): Promise<string> {
    const name = bundleFiles.model(stem);
    await this.put(name, encodeFloat32LE(image));
    return name;
  }

  /**
   * The run's text files (concurrently, each atomically), then complete.json as the very last file.
   * Drops the empty scratch root first, so the marker lists exactly what stays.
   */
  async finish(texts: RunTexts, status: CompletionStatus): Promise<void> {
    await removeIfEmpty(join(this.dir, '.scratch'));
    const named: [string, string | undefined][] = [
      [bundleFiles.commands, texts.commands], [bundleFiles.metrics, texts.metrics], [bundleFiles.correlation, texts.correlation],
      [bundleFiles.sumRatio, texts.sumRatio], [bundleFiles.diagnostics, texts.diagnostics], [bundleFiles.env, texts.env],
      [bundleFiles.bundle, texts.bundleJson], [bundleFiles.summary, texts.summary], [bundleFiles.attribution, texts.attribution],
      [bundleFiles.matrix, texts.matrix],
    ];
    await Promise.all(named.filter(([, t]) => t !== undefined).map(([name, text]) => this.put(name, text!)));
    const known: Record<string, string> = {};
    await Promise.all([...this.imageHashes].map(async ([name, h]) => {
      if ((await stat(join(this.dir, name)).catch(() => undefined))?.size === h.bytes) known[name] = h.sha256;
    }));
    await writeCompletion(this.dir, status, { known });
  }

  /**
   * Files added to a just-finished run (its previews, see run/previews.ts): optionally rewrite summary.md /
   * bundle.json, then refresh complete.json (same status) so it lists them.
   */
  async amendFinished(r: Rewrites = {}): Promise<void> {
    await this.rewrite(r);
    await this.refreshCompletion(rewritten(r));
  }

  /**
   * `nb-parity explain`'s later attribution: attribution.json when free, else attribution-<n>.json, and model images
   * with the same suffix. Returns the names used; refreshes complete.json when the bundle has one.
   */
  async addAttribution(text: string, models: { stem: string; image: Float32Array }[], log?: (line: string) => void): Promise<{ attribution: string; models: string[] }> {
    const attribution = await this.putFresh((n) => (n === 1 ? bundleFiles.attribution : bundleFiles.attribution.replace(/\.json$/, `-${n}.json`)), text);
    const k = attribution === bundleFiles.attribution ? 1 : Number(/-(\d+)\.json$/.exec(attribution)?.[1] ?? 2);
    const names: string[] = [];
    for (const { stem, image } of models) {
      const base = bundleFiles.model(stem);
      const model = await this.putFresh((n) => (k + n - 1 === 1 ? base : base.replace(/\.bin$/, `-${k + n - 1}.bin`)), encodeFloat32LE(image));
      names.push(model);
      log?.(`model image for ${stem}: ${join(this.dir, model)}`);
    }
    await this.refreshCompletion([]);
    return { attribution, models: names };
  }

  /**
   * Add pixel-trace files (and first_divergence.md) to a finished bundle. New files never replace anything; the only
   * existing files rewritten are summary.md and bundle.json (when given) and complete.json (when the bundle has one).
   */
  async addTraceFiles(traces: TraceFiles[], extra: { firstDivergence?: string } & Rewrites = {}): Promise<string[]> {
    const added: string[] = [];
    const add = async (name: string, data: string) => { await this.put(name, data); added.push(name); };
    for (const t of traces) {
      if (t.c !== undefined) await add(bundleFiles.traceC(t.stem, t.slow, t.fast), t.c);
      if (t.py !== undefined) await add(bundleFiles.tracePy(t.stem, t.slow, t.fast), t.py);
      if (t.diff !== undefined) await add(bundleFiles.traceDiff(t.stem, t.slow, t.fast), t.diff);
    }
    if (extra.firstDivergence !== undefined) await add(bundleFiles.firstDivergence, extra.firstDivergence);
    await this.rewrite(extra);
    await this.refreshCompletion(rewritten(extra));
    return added;
  }

  /**
   * Add one trace set under names the caller took from bundleFiles.trace / traceDiffN / firstDivergenceN (free names:
   * see traceFiles.ts). Same guarantees as addTraceFiles: new files only, then the rewrites, then complete.json.
   */
  async addTraceSet(files: [name: string, data: string][], rewrites: (added: string[]) => Promise<Rewrites> | Rewrites): Promise<string[]> {
    const added: string[] = [];
    for (const [name, data] of files) { await this.put(name, data); added.push(name); }
    const r = await rewrites(added);
    await this.rewrite(r);
    await this.refreshCompletion(rewritten(r));
    return added;
  }

  /** Replace summary.md / bundle.json (whole-file atomic rename). */
  private async rewrite(r: Rewrites): Promise<void> {
    if (r.summary !== undefined) await writeFileAtomic(join(this.dir, bundleFiles.summary), r.summary, { overwrite: true });
    if (r.bundleJson !== undefined) await writeFileAtomic(join(this.dir, bundleFiles.bundle), r.bundleJson, { overwrite: true });
  }

  /**
   * A bundle that had a marker gets a fresh one (same status) listing the files now there; one without stays without.
   * Files it listed keep their recorded hash (evidence is never replaced, so the images are not read again), except
   * the ones just rewritten.
   */
  private async refreshCompletion(rewrittenNames: string[]): Promise<void> {
    const now = await readCompletion(this.dir);
    if (now.status === 'missing') return;
    const known = { ...now.files };
    for (const n of rewrittenNames) delete known[n];
    await writeCompletion(this.dir, now.status, { replace: true, known });
  }

  private put(name: string, data: string | Uint8Array): Promise<void> {
    return writeFileAtomic(join(this.dir, name), data);
  }

  /** Write under the first free name of `names(n)` for n = 1, 2, …; returns the name used. */
  private async putFresh(names: (n: number) => string, data: string | Uint8Array): Promise<string> {
    for (let n = 1; n < 1000; n++) {
      const name = names(n);
      try {
        await this.put(name, data);
        return name;
      } catch (err) {
        if (!/refusing to overwrite/.test((err as Error).message)) throw err;
      }
    }
    throw new Error(`${this.dir}: no free file name for ${names(1)}`);
  }
}

function rewritten(r: Rewrites): string[] {
  return [...(r.summary !== undefined ? [bundleFiles.summary] : []), ...(r.bundleJson !== undefined ? [bundleFiles.bundle] : [])];
}

export async function removeIfEmpty(dir: string): Promise<void> {
  try {
    if ((await readdir(dir)).length === 0) await rmdir(dir);
  } catch { /* missing or not empty */ }
}
