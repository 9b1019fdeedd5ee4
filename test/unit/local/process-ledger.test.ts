// The kubelet's journal of the process groups it started (issue 24, item 7): a later kubelet stops what
// a dead one left running, never a process that merely got a recorded id again, and never the groups
// of a kubelet process that still runs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procInfo, ProcessLedger, readLedger, reapLedger } from '../../../src/local/kubelet/process-ledger.ts';

const dir = mkdtempSync(join(tmpdir(), 'argosy-ledger-'));
const children: ChildProcess[] = [];

/** A detached `sleep` (its own process group, as the process runtime starts containers). */
function group(): ChildProcess {
  const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  children.push(child);
  return child;
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

after(async () => {
  for (const c of children.filter(alive)) {
    c.kill('SIGKILL');
    await once(c, 'close');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('process ledger', () => {
  test('procInfo reads the kernel start time and process group', () => {
    const c = group();
    const info = procInfo(c.pid!);
    assert.equal(info?.pgrp, c.pid);
    assert.match(info?.startTime ?? '', /^\d+$/);
    assert.equal(procInfo(2 ** 22 + 1), undefined);
  });

  test('a journal left by a dead writer: the groups still running are killed, ended ones are not', async () => {
    const path = join(dir, 'dead.processes');
    const [a, b] = [group(), group()];
    const startA = procInfo(a.pid!)!.startTime;
    const startB = procInfo(b.pid!)!.startTime;
    // Written by a process that is gone (pid 1's start time never matches a made-up one).
    writeFileSync(path, `@ 1 0\n+ ${a.pid} ${startA}\n+ ${b.pid} ${startB}\n- ${b.pid}\n`);
    assert.deepEqual(
      readLedger(path).entries.map((e) => e.pgid),
      [a.pid],
    );
    const closed = once(a, 'close');
    assert.deepEqual(reapLedger(path), [a.pid]);
    await closed;
    assert.equal(a.signalCode, 'SIGKILL');
    assert.ok(alive(b), 'a group recorded as ended is left alone');
    assert.throws(() => statSync(path), /ENOENT/);
  });

  test('a recycled id (another start time) is never killed', () => {
    const path = join(dir, 'recycled.processes');
    const c = group();
    writeFileSync(path, `@ 1 0\n+ ${c.pid} 1\n`);
    assert.deepEqual(reapLedger(path), []);
    assert.ok(alive(c));
  });

  test('the journal of a live writer is not reaped; the writer records starts and truncates when none is left', () => {
    const path = join(dir, 'live.processes');
    const ledger = new ProcessLedger(path);
    const c = group();
    ledger.started(c.pid!);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, 'utf8'), new RegExp(`^@ ${process.pid} \\d+\\n\\+ ${c.pid} \\d+\\n$`));
    // Read by another process, this journal's writer is alive: nothing is killed. (This process reading
    // its own journal is the restart of its own kubelet, which reaps.)
    const other = readFileSync(path, 'utf8').replace(`@ ${process.pid} `, `@ ${c.pid} `);
    const otherPath = join(dir, 'other.processes');
    writeFileSync(otherPath, other.replace(/^@ (\d+) \d+/, `@ $1 ${procInfo(c.pid!)!.startTime}`));
    assert.equal(readLedger(otherPath).writerAlive, true);
    assert.deepEqual(reapLedger(otherPath), []);
    assert.ok(alive(c));
    ledger.exited(c.pid!);
    assert.equal(readFileSync(path, 'utf8'), '');
  });
});
