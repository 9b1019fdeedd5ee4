// Parameters are data: a value holding shell metacharacters or `{{...}}` reaches the command exactly
// as written (substituted once, never re-evaluated), with the process runtime actually running it.
// The author's command here passes the value as an argument (not through a shell): a value of
// `$(echo EXECUTED)` must be printed, not run. Globals inside an input value are replaced once, as
// Argo's SubstituteParams replaces globals over the whole template (inputs included) before the
// inputs; nothing is replaced twice, a value never resolves its own tag, and `sprig.env` (removed
// from Argo's expression environment) stays verbatim.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../src/engine/types.ts';
import type { LocalStack } from '../../src/local/stack.ts';
import { adminClient, captureLog, faultStack, podsOf, runToEnd } from '../faults/helpers.ts';

describe('parameters with shell metacharacters and {{ sequences', () => {
  let stack: LocalStack;
  before(async () => {
    stack = await faultStack(captureLog('WARN'), { runtime: 'process' });
  });
  after(async () => {
    await stack?.stop();
  });

  test('values appear literally; nothing they contain is executed or substituted', async () => {
    // No '/' in the values: the process kubelet maps absolute paths in arguments into the pod's root.
    // Executed, each would print a bare EXECUTED; printed literally, the `$(`, backticks and quotes stay.
    const values = [
      '$(echo EXECUTED)',
      '`echo EXECUTED`; echo EXECUTED && echo x | sh',
      '{{workflow.name}} {{inputs.parameters.v}} {{=sprig.env("HOME")}}',
      `'"; touch pwned; echo EXECUTED; echo "'`,
    ];
    const wf = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'inject-' },
      spec: {
        entrypoint: 'main',
        arguments: { parameters: values.map((v, i) => ({ name: `p${i}`, value: v })) },
        templates: [
          {
            name: 'main',
            steps: [
              values.map((_, i) => ({
                name: `s${i}`,
                template: 'echo',
                arguments: { parameters: [{ name: 'v', value: `{{workflow.parameters.p${i}}}` }] },
              })),
            ],
          },
          {
            name: 'echo',
            inputs: { parameters: [{ name: 'v' }] },
            container: { image: 'alpine:3', command: ['echo'], args: ['[{{inputs.parameters.v}}]'] },
          },
        ],
      },
    } as unknown as Workflow;
    const done = await runToEnd(stack, wf, 60_000);
    assert.equal(done.status?.phase, 'Succeeded', done.status?.message);
    const pods = await podsOf(stack, done.metadata.name!, ['main']);
    assert.equal(pods.length, values.length);
    const expected = values.map((v) => v.replace('{{workflow.name}}', done.metadata.name!));
    const client = adminClient(stack, 'main');
    try {
      const outputs: string[] = [];
      for (const p of pods) {
        const args = p.pod.spec?.containers?.find((c) => c.name === 'main')?.args ?? [];
        const logText = await client.request<string>({
          method: 'GET',
          path: `/api/v1/namespaces/argo/pods/${p.pod.metadata.name}/log`,
          query: { container: 'main' },
          accept: 'text/plain',
        } as never);
        outputs.push(String(logText).trim());
        assert.ok(
          expected.some((v) => args.includes(`[${v}]`)),
          `pod args carry a value verbatim: ${JSON.stringify(args)}`,
        );
      }
      for (const v of expected)
        assert.ok(outputs.includes(`[${v}]`), `printed literally: ${v} (got ${JSON.stringify(outputs)})`);
    } finally {
      client.close();
    }
  });
});
