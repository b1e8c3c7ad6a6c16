// "Authoritative runs": a warm run is trusted only after its float file matched a cold `python -m nanobrag_torch`
// run byte for byte, once per worker life (one parent process) and per case. One mismatch makes that worker life
// untrusted: every later run of it goes cold.
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

/** Case identity for the check: the module argv with the output path blanked (it differs between the two runs). */
export function authoritativeCaseKey(caseId: string, moduleArgs: string[], outFile: string): string {
  return JSON.stringify([caseId, moduleArgs.map((a) => (a === outFile ? '<floatfile>' : a))]);
}

/** What has been checked for which worker life. Lives in memory: a new parent is a new life, checked afresh. */
export class AuthoritativeBook {
  private verified = new Map<string, Set<string>>();
  private untrusted = new Map<string, string>();

  private static life(serverKey: string, life: number): string {
    return `${serverKey}#${life}`;
  }

  needsCheck(serverKey: string, life: number, caseKey: string): boolean {
    return !this.verified.get(AuthoritativeBook.life(serverKey, life))?.has(caseKey);
  }

  /** Why this worker life is not trusted, or undefined while it is. */
  distrust(serverKey: string, life: number): string | undefined {
    return this.untrusted.get(AuthoritativeBook.life(serverKey, life));
  }

  record(serverKey: string, life: number, caseKey: string, outcome: Comparison): void {
    const k = AuthoritativeBook.life(serverKey, life);
    if (!outcome.identical) {
      if (!this.untrusted.has(k)) this.untrusted.set(k, outcome.detail);
      return;
    }
    let set = this.verified.get(k);
    if (!set) this.verified.set(k, (set = new Set()));
    set.add(caseKey);
  }
}

export const authoritativeBook = new AuthoritativeBook();
