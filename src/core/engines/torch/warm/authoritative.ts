// "Authoritative runs": a warm run is trusted only once its server life (one Python parent) has matched a cold
// `python -m nanobrag_torch` run byte for byte; re-checked after port edits and on a sample (see AuthoritativeBook). One
// mismatch makes that worker life untrusted: every later run of it goes cold.
import { open } from 'node:fs/promises';

export interface Comparison {
  identical: boolean;
  /** Why not identical, worded for the bundle (missing file, sizes, first differing byte). */
  detail: string;
}

/** Byte-for-byte comparison of two files, streaming (images can be 4 MB and more). */
export async function compareFiles(a: string, b: string): Promise<Comparison> {
  let fa, fb;
  try {
    fa = await open(a, 'r');
  } catch {
    return { identical: false, detail: `missing ${a}` };
  }
  try {
    try {
      fb = await open(b, 'r');
    } catch {
      return { identical: false, detail: `missing ${b}` };
    }
    const [sa, sb] = [(await fa.stat()).size, (await fb.stat()).size];
    if (sa !== sb) return { identical: false, detail: `sizes differ: ${sa} vs ${sb} bytes` };
    const size = 1 << 20;
    const ba = Buffer.alloc(size);
    const bb = Buffer.alloc(size);
    for (let pos = 0; pos < sa; pos += size) {
      const { bytesRead: na } = await fa.read(ba, 0, size, pos);
      const { bytesRead: nb } = await fb.read(bb, 0, size, pos);
      if (na !== nb) return { identical: false, detail: `short read at byte ${pos}` };
      if (!ba.subarray(0, na).equals(bb.subarray(0, nb))) {
        let i = 0;
        while (i < na && ba[i] === bb[i]) i++;
        return { identical: false, detail: `first difference at byte ${pos + i} (float index ${Math.floor((pos + i) / 4)})` };
      }
    }
    return { identical: true, detail: `${sa} bytes identical` };
  } finally {
    await fa.close();
    await fb?.close();
  }
}

/** Case identity: the module argv with the output path blanked (it differs between the two runs). */
export function authoritativeCaseKey(caseId: string, moduleArgs: string[], outFile: string): string {
  return JSON.stringify([caseId, moduleArgs.map((a) => (a === outFile ? '<floatfile>' : a))]);
}

/** Every SAMPLE_EVERY-th run of a server life is checked again, whatever the case. */
export const SAMPLE_EVERY = 20;

/** What the book says about one run before it starts. */
export interface CheckDecision {
  /** Why this run is compared with a cold twin; undefined when it is not. */
  due?: string;
  /** Why a run that is not compared is trusted (which run of this life was checked, and against which port files). */
  basis: string;
  /** Index of this run in its server life (1 = first); 0 when the life is not known yet (the server is not running). */
  run: number;
  /** The server life decided on (undefined: a new one); a run served by another life is checked as a new life. */
  life?: number;
  /** Set when this server life once differed from a cold run: the run must go cold. */
  distrust?: string;
}

interface Life { runs: number; checkedAt?: number; checkedWhy?: string; checkedPort?: string; untrusted?: string }

/**
 * The authoritative-check policy: a server life (one Python parent) is trusted only after a warm run matched a cold
 * run; it is checked again when the port's files change and on every SAMPLE_EVERY-th run, so the cost does not grow
 * with the number of cases. A torch change restarts the parent (a new life); another interpreter is another key.
 * One mismatch makes the life untrusted for good.
 */
export class AuthoritativeBook {
  private lives = new Map<string, Life>();
  constructor(readonly every = SAMPLE_EVERY) {}

  private life(serverKey: string, life: number): Life {
    const k = `${serverKey}#${life}`;
    let l = this.lives.get(k);
    if (!l) this.lives.set(k, (l = { runs: 0 }));
    return l;
  }

  /** Count the run and say whether it is checked. `life` undefined: the server is not running, this run starts it. */
  decide(serverKey: string, life: number | undefined, port: string): CheckDecision {
    if (life === undefined) return { due: 'first run of a new server life', basis: '', run: 0 };
    const l = this.life(serverKey, life);
    const run = ++l.runs;
    if (l.untrusted) return { distrust: l.untrusted, basis: '', run, life };
    if (l.checkedAt === undefined) return { due: `first run of server life ${life}`, basis: '', run, life };
    if (l.checkedPort !== port) return { due: `the port's files changed since the check at run ${l.checkedAt} (now ${port})`, basis: '', run, life };
    if (run % this.every === 0) return { due: `sampled: run ${run} of server life ${life} (every ${this.every}th run is checked)`, basis: '', run, life };
    const next = Math.ceil((run + 1) / this.every) * this.every;
    return {
      basis: `run ${run} of server life ${life}, not compared: run ${l.checkedAt} of this life was compared with a cold run (${l.checkedWhy}), `
        + `port files unchanged since (${port}); next sampled check at run ${next}`,
      run, life,
    };
  }

  /** A run that started the server: it is run 1 of that life. */
  adopt(serverKey: string, life: number): void {
    const l = this.life(serverKey, life);
    if (l.runs === 0) l.runs = 1;
  }

  /** Why this server life is not trusted, or undefined while it is. */
  distrust(serverKey: string, life: number): string | undefined {
    return this.lives.get(`${serverKey}#${life}`)?.untrusted;
  }

  record(serverKey: string, life: number, port: string, why: string, outcome: Comparison): void {
    const l = this.life(serverKey, life);
    if (!outcome.identical) {
      l.untrusted ??= outcome.detail;
      return;
    }
    l.checkedAt = Math.max(l.runs, 1);
    l.checkedWhy = why;
    l.checkedPort = port;
  }
}

export const authoritativeBook = new AuthoritativeBook();
