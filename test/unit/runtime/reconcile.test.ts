/**
 * reconcileWorkflow against recorded answers of two embedded API servers (tapes/reconcile.json,
 * recorded by tapes/record-reconcile.ts): a workflow with a step in cluster `main` and one in `other`.
 * The real engine decides; every request must be on the tape (a changed selector, body or extra
 * request fails), and each recorded exchange must be asked for.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide } from '../../../src/engine/decide.ts';
import type { Action } from '../../../src/engine/contract.ts';
import { replaying, type Exchange, type Tape } from './tape.ts';
import { CONTROLLER, FINISH, START } from './tapes/reconcile-workflow.ts';
import { reconcileOnTape } from './tapes/reconcile-run.ts';

const RECORDED = JSON.parse(readFileSync(join(import.meta.dirname, 'tapes/reconcile.json'), 'utf8')) as Record<
  'start' | 'finish',
  { tape: Tape }
>;
const WF_PATH = '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/two-places';
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Replays one recorded reconcile with the real engine (or `decideFn`); returns what it did and asked. */
async function replay(which: 'start' | 'finish', now: Date, decideFn = decide) {
  const { tape } = RECORDED[which];
  const asked: string[] = [];
  const main = replaying(tape, 'main', asked);
  const other = replaying(tape, 'other', asked);
  const ran = await reconcileOnTape({ main, other }, CONTROLLER, now, decideFn);
  const sent = (cluster: string, method: string, path: string): Body[] =>
    (tape[cluster] ?? [])
      .filter((e: Exchange) => e.request.method === method && e.request.path === path)
      .map((e) => e.request.body as Body);
  return { ...ran, asked, sent, left: main.left() + other.left() };
}

const place = (a: Action): string =>
  a.kind === 'CreatePod' ? `${a.kind} ${a.cluster}/${a.namespace} ${a.pod.metadata.name}` : a.kind;

describe('reconcileWorkflow against recorded API answers', () => {
  test('first reconcile: a pod in each place, the finalizer before the remote create, status Running', async () => {
    const r = await replay('start', START);
    assert.deepEqual(
      { outcome: r.result.outcome, writes: r.result.writes, attempts: r.result.attempts },
      { outcome: 'reconciled', writes: 4, attempts: 1 },
    );
    assert.equal(r.decisions.length, 1);
    const [decision] = r.decisions;
    assert.equal(decision?.status.phase, 'Running');
    assert.deepEqual(decision?.actions.map(place), [
      'CreatePod main/argo two-places-here-3584670550',
      'CreatePod other/argo two-places-there-1961555954',
    ]);
    // The remote pod is created only after the workflow holds the finalizer that deletes it later.
    const finalizer = r.asked.indexOf(`main PATCH ${WF_PATH}`);
    const remote = r.asked.indexOf('other POST /api/v1/namespaces/argo/pods');
    assert.ok(finalizer >= 0 && remote > finalizer, `finalizer first: ${r.asked.join(' | ')}`);
    const [patch] = r.sent('main', 'PATCH', WF_PATH);
    assert.deepEqual(patch?.metadata.finalizers, ['workflows.argosy.io/remote-pods']);
    const [remotePod] = r.sent('other', 'POST', '/api/v1/namespaces/argo/pods');
    assert.equal(remotePod?.metadata.labels['workflows.argoproj.io/workflow-cluster-name'], 'main');
    const [put] = r.sent('main', 'PUT', WF_PATH);
    const phases = Object.values(put?.status.nodes as Body).map((n) => `${n.displayName} ${n.phase}`);
    assert.deepEqual(phases.sort(), ['[0] Running', 'here Pending', 'there Pending', 'two-places Running']);
    assert.deepEqual(r.nudges, []);
    assert.equal(r.left, 0, 'every recorded exchange was asked for');
  });

  test('next reconcile, both pods Succeeded: the workflow Succeeded and labelled completed, one event, no pod touched', async () => {
    const r = await replay('finish', FINISH);
    assert.deepEqual({ outcome: r.result.outcome, writes: r.result.writes }, { outcome: 'reconciled', writes: 2 });
    assert.deepEqual(
      r.decisions.map((d) => [d.status.phase, d.actions.map(place)]),
      [['Succeeded', []]],
    );
    const [put] = r.sent('main', 'PUT', WF_PATH);
    assert.equal(put?.metadata.labels['workflows.argoproj.io/completed'], 'true');
    assert.equal(put?.status.finishedAt, FINISH.toISOString().replace('.000Z', 'Z'));
    const nodes = Object.values(put?.status.nodes as Body);
    assert.ok(nodes.length === 4 && nodes.every((n) => n.phase === 'Succeeded'), JSON.stringify(nodes));
    const events = r.sent('main', 'POST', '/api/v1/namespaces/argo/events');
    assert.deepEqual(
      events.map((e) => `${e.reason}: ${e.message}`),
      ['WorkflowSucceeded: Workflow completed'],
    );
    assert.deepEqual(
      r.asked.filter((a) => a.startsWith('other ')),
      ['other GET /api/v1/namespaces/argo/pods'],
    );
    assert.equal(r.left, 0, 'every recorded exchange was asked for');
  });

  test('a reconcile that would write something else fails: its requests are not on the tape', async () => {
    // The engine "forgets" the remote step: no finalizer, no remote create, another status.
    // (Storing the finalizer first is the engine's `metadataFirst`, so it forgets that too.)
    const forgetful: typeof decide = (snapshot, now) => {
      const { metadataFirst: _first, ...d } = decide(snapshot, now);
      return { ...d, actions: d.actions.filter((a) => !(a.kind === 'CreatePod' && a.cluster === 'other')) };
    };
    await assert.rejects(replay('start', START, forgetful), /not on the main tape/);
  });
});
