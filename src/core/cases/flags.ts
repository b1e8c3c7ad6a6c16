// nanoBragg flag lists: splitting a YAML/JSON argument string, making path arguments absolute, quoting for a shell.
import { isAbsolute, resolve } from 'node:path';

/** Flags whose next argument is a file path (input or output). */
export const PATH_FLAGS = new Set([
  '-mat', '-hkl', '-sourcefile', '-floatfile', '-intfile', '-noisefile', '-pgmfile', '-img', '-mask',
  '-stol', '-stolout', '-4stol',
]);

/** Output flags that the runner owns: a case must not choose where its image goes. */
export const OUTPUT_FLAGS = new Set(['-floatfile', '-intfile', '-noisefile', '-pgmfile']);

/**
 * Split an argument string the way a POSIX shell would for plain words and quotes ("a b", 'a b', a\ b).
 * No expansion of any kind. Throws on an unterminated quote.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch; inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i]; inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
    } else {
      cur += ch; inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in arguments: ${text}`);
  if (inWord) out.push(cur);
  return out;
}

/** Rewrite the path argument of every PATH_FLAGS flag to an absolute path against `base`. */
export function absolutizeFlags(flags: string[], base: string): string[] {
  const out = [...flags];
  for (let i = 0; i < out.length - 1; i++) {
    if (PATH_FLAGS.has(out[i]) && !out[i + 1].startsWith('-') && !isAbsolute(out[i + 1])) {
      out[i + 1] = resolve(base, out[i + 1]);
      i++;
    }
  }
  return out;
}

/** Remove runner-owned output flags (and their values) from a case's flags. */
export function stripOutputFlags(flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    if (OUTPUT_FLAGS.has(flags[i])) { i++; continue; }
    out.push(flags[i]);
  }
  return out;
}

export { flagValue } from '../../shared/flagList.ts';

/** Quote one word for a POSIX shell, only when needed. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellJoin(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}
