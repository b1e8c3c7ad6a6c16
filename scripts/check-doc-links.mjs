// Checks that every relative link (and #anchor) in README.md and docs/*.md resolves to a file (and a heading).
// Usage: node scripts/check-doc-links.mjs — exits 1 and lists the broken links.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
// GitHub's heading anchors: lower case, punctuation dropped, spaces → '-'.
const slug = (h) => h.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
const anchors = (file) => new Set(readFileSync(file, 'utf8').split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
const broken = [];
let checked = 0;
for (const f of files) {
  const text = readFileSync(join(root, f), 'utf8').replace(/```[\s\S]*?```/g, '');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue; // http:, mailto: …
    checked++;
    const [path, anchor] = target.split('#');
    const abs = path ? resolve(dirname(join(root, f)), path) : join(root, f);
    if (!existsSync(abs)) broken.push(`${f}: ${target} (no such file)`);
    else if (anchor && abs.endsWith('.md') && !anchors(abs).has(anchor)) broken.push(`${f}: ${target} (no such heading)`);
  }
}
console.log(`${checked} relative links in ${files.length} files, ${broken.length} broken`);
for (const b of broken) console.log(`  ${b}`);
process.exit(broken.length ? 1 : 0);
