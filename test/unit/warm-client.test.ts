// Pure parts of the warm PyTorch client: where the server script is found, the protocol parser, server keys, the
// authoritative-runs book and the byte comparison (real temp files, no processes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveWarmServerScript, thisModuleFile, WARM_SERVER_RELATIVE } from '../../src/core/engines/torch/warm/serverScript.ts';
import { parseServerLine, encodeClientMessage } from '../../src/core/engines/torch/warm/protocol.ts';
import { warmServerKey, warmSupported } from '../../src/core/engines/torch/warm/pool.ts';
import { AuthoritativeBook, authoritativeCaseKey, compareFiles } from '../../src/core/engines/torch/warm/authoritative.ts';
import { makeTempDirSync, removeTempDirNow } from '../helpers/tempDirs.ts';

describe('warm server script location', () => {
  const root = '/opt/ext/nanobragg-parity';
  const script = join(root, WARM_SERVER_RELATIVE);
  const only = (p: string) => p === script;
  it('is found from the ESM CLI bundle, the CJS extension bundle and the TypeScript sources alike', () => {
    for (const from of [`${root}/dist/cli.mjs`, `${root}/dist/extension.cjs`, `${root}/src/core/engines/torch/warm/serverScript.ts`]) {
      assert.equal(resolveWarmServerScript(from, only), script, from);
    }
  });
  it('names the folder searched when the package lacks resources/', () => {
    assert.throws(() => resolveWarmServerScript(`${root}/dist/cli.mjs`, () => false),
      (e: unknown) => e instanceof Error && e.message.includes(`${root}/dist`) && e.message.includes('torch-warm-server.py'));
  });
  it('resolves to the real file in this checkout', () => {
    const p = resolveWarmServerScript(thisModuleFile());
    assert.ok(existsSync(p), p);
    assert.match(p, /resources\/torch-warm-server\.py$/);
  });
});

describe('warm protocol lines', () => {
  it('accepts the server messages and ignores everything else', () => {
    assert.deepEqual(parseServerLine('{"type":"started","id":"r1","pid":42}'), { type: 'started', id: 'r1', pid: 42 });
    assert.equal(parseServerLine('{"type":"hello","pid":1}')?.type, 'hello');
    assert.equal(parseServerLine('Warning: something printed by an import'), undefined);
    assert.equal(parseServerLine('{"type":"done"'), undefined, 'truncated JSON');
    assert.equal(parseServerLine('{"type":"done","pid":3}'), undefined, 'a run message without id');
    assert.equal(parseServerLine('{"type":"surprise","id":"x"}'), undefined);
    assert.equal(parseServerLine('[1,2]'), undefined);
  });
  it('encodes one request per line', () => {
    const line = encodeClientMessage({ type: 'cancel', id: 'r7' });
    assert.equal(line, '{"type":"cancel","id":"r7"}\n');
    assert.equal(line.split('\n').length, 2);
  });
});

describe('warm server keys and platform support', () => {
  it('a different interpreter or env gives a different server; env order does not matter', () => {
    const a = warmServerKey('/usr/bin/python3', { A: '1', B: '2' });
    assert.equal(a, warmServerKey('/usr/bin/python3', { B: '2', A: '1' }));
    assert.notEqual(a, warmServerKey('/usr/bin/python3', { A: '1', B: '3' }));
    assert.notEqual(a, warmServerKey('/usr/bin/python3.11-other', { A: '1', B: '2' }));
    assert.notEqual(warmServerKey('python3', {}), warmServerKey('python3', { NANOBRAGG_DISABLE_COMPILE: '1' }));
  });
  it('Windows (no fork) is not supported, so the runner goes cold there', () => {
    assert.equal(warmSupported('win32'), false);
    assert.equal(warmSupported('linux'), true);
    assert.equal(warmSupported('darwin'), true);
  });
});

describe('authoritative runs', () => {
  it('checks the first run of each server life, then only a sample, port edits and new lives', () => {
    const book = new AuthoritativeBook(5);
    const k = authoritativeCaseKey('TC-D1', ['-N', '1', '-floatfile', '/s/a/out.bin'], '/s/a/out.bin');
    assert.equal(k, authoritativeCaseKey('TC-D1', ['-N', '1', '-floatfile', '/s/b/out.bin'], '/s/b/out.bin'), 'output path ignored');
    assert.notEqual(k, authoritativeCaseKey('TC-D3', ['-N', '1', '-floatfile', '/s/a/out.bin'], '/s/a/out.bin'));
    const same = { identical: true, detail: 'same' };
    assert.match(String(book.decide('srv', undefined, 'p1').due), /first run of a new server life/, 'server not running yet');
    book.adopt('srv', 1);
    book.record('srv', 1, 'p1', 'first run', same);
    const due: number[] = [];
    for (let i = 0; i < 11; i++) {
      const d = book.decide('srv', 1, 'p1');
      if (d.due) { due.push(d.run); book.record('srv', 1, 'p1', d.due, same); } else assert.match(d.basis, new RegExp(`run ${d.run < 5 ? 1 : d.run < 10 ? 5 : 10} of this life was compared`));
    }
    assert.deepEqual(due, [5, 10], 'runs 2..12: only every 5th is sampled, whatever the case');
    const edited = book.decide('srv', 1, 'p2');
    assert.match(String(edited.due), /port's files changed since the check at run 10/);
    book.record('srv', 1, 'p2', String(edited.due), same);
    assert.equal(book.decide('srv', 1, 'p2').due, undefined, 'checked again, trusted again');
    assert.match(String(book.decide('srv', 2, 'p2').due), /first run of server life 2/, 'restarted parent');
    assert.match(String(book.decide('other', 1, 'p2').due), /first run/, 'other interpreter/env');
    assert.equal(book.distrust('srv', 1), undefined);
  });
  it('one mismatch makes the worker life untrusted and keeps the first reason', () => {
    const book = new AuthoritativeBook();
    book.decide('srv', 1, 'p');
    book.record('srv', 1, 'p', 'first', { identical: false, detail: 'first difference at byte 8' });
    book.record('srv', 1, 'p', 'again', { identical: false, detail: 'later' });
    assert.equal(book.distrust('srv', 1), 'first difference at byte 8');
    assert.equal(book.decide('srv', 1, 'p').distrust, 'first difference at byte 8');
    assert.equal(book.distrust('srv', 2), undefined);
  });
  it('compares files byte for byte and says where they differ', async () => {
    const dir = makeTempDirSync('nb-warm-cmp-');
    try {
      const a = join(dir, 'a.bin');
      const b = join(dir, 'b.bin');
      const img = new Float32Array(300_000).map((_, i) => Math.sin(i));
      writeFileSync(a, Buffer.from(img.buffer));
      writeFileSync(b, Buffer.from(img.buffer));
      assert.deepEqual(await compareFiles(a, b), { identical: true, detail: '1200000 bytes identical' });
      img[280_000] += 1e-3; // beyond the first 1 MiB chunk
      writeFileSync(b, Buffer.from(img.buffer));
      const d = await compareFiles(a, b);
      assert.equal(d.identical, false);
      assert.match(d.detail, /float index 280000\b/);
      writeFileSync(b, Buffer.from(img.buffer.slice(0, 400)));
      assert.match((await compareFiles(a, b)).detail, /sizes differ: 1200000 vs 400/);
      assert.match((await compareFiles(a, join(dir, 'nope.bin'))).detail, /missing .*nope\.bin/);
    } finally {
      removeTempDirNow(dir);
    }
  });
});
