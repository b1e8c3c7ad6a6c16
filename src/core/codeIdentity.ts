// Which build of nb-parity this is: name, size and mtime of every file next to this module (the CLI bundle's folder,
// whose chunks all sit side by side; or these sources under tsx). Used where a long-lived copy of the code (the warm
// server daemon) or something it produced (a parsed case file) must not be mixed with another build.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder the running code was loaded from (the CLI bundle's dist/, or these sources under tsx). */
export function codeFolder(): string {
  // In the CJS bundle `__filename` is the bundle; in ESM it is not defined and import.meta.url is.
  return dirname(typeof __filename === 'string' && __filename ? __filename : fileURLToPath(import.meta.url));
}

export function codeIdentity(): string {
  if (cached) return cached;
  const dir = codeFolder();
  const parts = readdirSync(dir).sort().map((n) => {
    try {
      const st = statSync(join(dir, n));
      return `${n}:${st.size}:${st.mtimeMs}`;
    } catch {
      return `${n}:gone`; // removed while we listed (a rebuild under way)
    }
  });
  cached = createHash('sha256').update(parts.join('\n')).digest('hex');
  return cached;
}
