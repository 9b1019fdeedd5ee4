/**
 * argo's flags added for issue 20 in session 4, run as a user types them against a running `argosy dev`:
 * `list --field-selector`, `logs -l`, `stop --node-field-selector --message`, and `cluster check` /
 * `doctor` finding the dev stack by themselves and passing on its healthy clusters. One stack, one
 * workflow (two labelled pods, then a suspend node); few invocations, each costs seconds under load.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, scratch, startDev, writeFile, type DevStack } from './cli-helpers.ts';

const dir = scratch();
let dev: DevStack;
const WF = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: flags-more
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: a, template: say, arguments: {parameters: [{name: what, value: from-a}]}}
        - - {name: approve, template: approve}
    - name: say
      inputs:
        parameters: [{name: what}]
      metadata:
        labels: {tier: a}
      container:
        image: argoproj/argosay:v2
        args: [echo, '{{inputs.parameters.what}}']
    - name: approve
      suspend: {}
`;

before(async () => {
  dev = await startDev(dir, 'main,other');
  const file = writeFile(dir, 'wf.yaml', WF);
  const sub = await runCli(['submit', file, '-o', 'name'], dir);
  assert.equal(sub.code, 0, sub.stderr + dev.output());
});
after(async () => dev.stop());

async function waitFor(what: RegExp, args: string[]): Promise<string> {
  for (let i = 0; ; i++) {
    const r = await runCli(args, dir);
    if (what.test(r.stdout)) return r.stdout;
    if (i > 60) throw new Error(`never saw ${what}:\n${r.stdout}${r.stderr}\n${dev.output()}`);
    await new Promise((done) => setTimeout(done, 1000));
  }
}

describe('argo flags of list, logs and stop; cluster check and doctor on the dev stack', () => {
  test('list --field-selector, --resubmitted; delete --resubmitted --query-chunk-size; logs -l', async () => {
    await waitFor(/Running \(Suspended\)/, ['get', 'flags-more']);
    const byName = await runCli(['list', '--field-selector', 'metadata.name=flags-more', '-o', 'name'], dir);
    assert.equal(byName.stdout, 'flags-more\n', byName.stderr);
    const bad = await runCli(['list', '--field-selector', 'spec.entrypoint=main'], dir);
    assert.equal(bad.code, 2, bad.stdout);
    assert.match(bad.stderr, /field label not supported: spec\.entrypoint/);
    const resub = await runCli(['list', '--resubmitted'], dir);
    assert.equal(resub.stdout, 'No workflows found\n', resub.stderr);
    const del = await runCli(['delete', '--resubmitted', '--query-chunk-size', '1', '--dry-run'], dir);
    assert.equal(del.stdout, 'No resources found\n', del.stderr);
    const a = await runCli(['logs', 'flags-more', '-l', 'tier=a'], dir);
    assert.match(a.stdout, /^flags-more-say-\d+: from-a\n$/, a.stderr);
    const none = await runCli(['logs', 'flags-more', '-l', 'tier=b'], dir);
    assert.equal(none.stdout, '', none.stderr);
  });

  test('stop --node-field-selector --message fails the suspend node with the message', async () => {
    const stop = await runCli(
      ['stop', 'flags-more', '--node-field-selector', 'displayName=approve', '--message', 'not today'],
      dir,
    );
    assert.equal(stop.stdout, 'workflow flags-more stopped\n', stop.stderr);
    const json = await waitFor(/"phase": "Failed"/, ['get', 'flags-more', '-o', 'json']);
    const wf = JSON.parse(json) as {
      spec: { shutdown?: string };
      status: { nodes: Record<string, { displayName: string; phase: string; message?: string }> };
    };
    const approve = Object.values(wf.status.nodes).find((n) => n.displayName === 'approve');
    assert.equal(approve?.phase, 'Failed');
    assert.equal(approve?.message, 'not today');
    assert.equal(wf.spec.shutdown, undefined, 'the workflow itself is not shut down');
  });

  test('cluster check and doctor find argosy dev and pass on its clusters', async () => {
    const check = await runCli(['cluster', 'check'], dir);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /executor: Argo's executor pods/);
    const doctor = await runCli(['doctor'], dir);
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.match(
      doctor.stdout,
      /^ok +cluster other\. .*may manage pods in all namespaces; executor: Argo's executor pods/m,
    );
    assert.doesNotMatch(doctor.stdout, /^(WARN|FAIL) /m);
  });
});
