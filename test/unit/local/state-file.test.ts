// `--data-dir` snapshots survive kill -9 and corruption (issue 24, item 6): a write is temp + fsync +
// rename, so a process killed while saving leaves a parseable file; a corrupt file is named, moved
// aside, and the last good copy is used.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadObjects } from '../../../src/local/apiserver/persistence.ts';
import { createLogger } from '../../../src/logger.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'argosy-state-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Saves a large snapshot in a loop through the real saveObjects, printing a line after each save.
const WRITER = `
import { saveObjects } from ${JSON.stringify(join(ROOT, 'src/local/apiserver/persistence.ts'))};
const big = { resourceVersion: 1, objects: [{ kind: 'Secret', metadata: { name: 's' }, data: { k: 'x'.repeat(3e7) } }] };
const server = { state: { store: { snapshot: () => big } } };
for (let n = 0; ; n++) { saveObjects(process.argv.at(-1), 'main', server); process.stdout.write(n + '\\n'); }
`;

function killMidWrite(dir: string, afterSaves: number): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lines = 0;
    child.stdout.on('data', (d: Buffer) => {
      lines += d.toString().split('\n').length - 1;
      // Killed while a later save is under way (saves run back to back; most of each is the write).
      if (lines >= afterSaves) setTimeout(() => child.kill('SIGKILL'), afterSaves * 3);
    });
    child.on('error', fail);
    child.on('close', () => done());
  });
}

describe('data-dir state files', () => {
  test('kill -9 while saving never leaves an unreadable snapshot', async () => {
    for (let i = 0; i < 3; i++) {
      const dir = join(root, `kill-${i}`);
      await killMidWrite(dir, 2 + i);
      const snap = loadObjects(dir, 'main') as unknown as { objects: unknown[] } | undefined;
      assert.equal(snap?.objects.length, 1, `round ${i}`);
    }
  });

  test('a corrupt snapshot is named, moved aside, and the last good copy is used', () => {
    const dir = join(root, 'corrupt');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.json'), '');
    writeFileSync(join(dir, 'main.json.last-good'), JSON.stringify({ resourceVersion: 7, objects: [] }));
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l) });
    const snap = loadObjects(dir, 'main', logger) as unknown as { resourceVersion: number };
    assert.equal(snap.resourceVersion, 7);
    assert.ok(existsSync(join(dir, 'main.json.corrupt')));
    assert.match(lines.join('\n'), /state file corrupt.*main\.json/);
  });

  test('a corrupt snapshot without a good copy: an error naming the file', () => {
    const dir = join(root, 'corrupt-only');
    mkdirSync(dir);
    writeFileSync(join(dir, 'main.json'), '{"resourceVersion":');
    assert.throws(
      () => loadObjects(dir, 'main'),
      (e: Error) => {
        assert.match(e.message, new RegExp(`state file ${join(dir, 'main.json').replace(/[/.]/g, '\\$&')} is corrupt`));
        return true;
      },
    );
  });
});
