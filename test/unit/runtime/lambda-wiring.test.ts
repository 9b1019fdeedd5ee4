import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLambdaWiring } from '../../../src/runtime/lambda.ts';

/** Runs `fn` with these environment variables set (and the previous values restored after). */
async function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(before);
  }
}

describe('Lambda wiring', () => {
  test('the kubernetes secret store is refused at INIT in Lambda, by name', async () => {
    await withEnv(
      {
        ARGOSY_SECRET_STORE: 'kubernetes',
        KUBECONFIG: undefined,
        ARGOSY_CLUSTER_NAME: 'main',
        ARGOSY_LOG_LEVEL: 'SILENT',
      },
      async () => {
        await assert.rejects(createLambdaWiring('resync'), /ARGOSY_SECRET_STORE=kubernetes is not supported in Lambda/);
      },
    );
  });

  test('aws-secretsmanager (what serverless.yml sets) wires without touching the network', async () => {
    await withEnv(
      {
        ARGOSY_SECRET_STORE: 'aws-secretsmanager',
        ARGOSY_SECRET_NAME: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:argosy/test/rest-config',
        KUBECONFIG: undefined,
        ARGOSY_CLUSTER_NAME: 'main',
        ARGOSY_LOG_LEVEL: 'SILENT',
      },
      async () => {
        const wiring = await createLambdaWiring('resync');
        assert.equal(wiring.config.secretStore, 'aws-secretsmanager');
      },
    );
  });
});
