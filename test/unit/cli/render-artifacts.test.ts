// `argosy get` prints artifacts as argo's printer does: the wide ARTIFACTS cell lists the names
// (getArtifactsString), the header's "Output Artifacts:" block the gogo String() of each global artifact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Workflow } from '../../../src/engine/types.ts';
import { renderWorkflow } from '../../../src/cli/render/workflow.ts';

const now = new Date(Date.UTC(2026, 10, 11, 14, 23, 0));
const opts = { style: { color: false, utf8: true }, now, utcOffsetMinutes: 0 };

function workflow(): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'g', namespace: 'argo', creationTimestamp: '2026-11-11T14:22:00Z' },
    spec: { entrypoint: 'main' },
    status: {
      phase: 'Succeeded',
      startedAt: '2026-11-11T14:22:00Z',
      finishedAt: '2026-11-11T14:22:10Z',
      progress: '1/1',
      outputs: {
        parameters: [{ name: 'p', value: 'v' }],
        artifacts: [
          { name: 'my-global-art', s3: { key: 'g/g/hello-art.tgz' } },
          {
            name: 'full',
            s3: {
              endpoint: 'minio:9000',
              bucket: 'my-bucket',
              insecure: true,
              accessKeySecret: { name: 'my-minio-cred', key: 'accesskey' },
              secretKeySecret: { name: 'my-minio-cred', key: 'secretkey' },
              key: 'k',
            },
          },
          { name: 'r', raw: { data: 'abc' } },
        ],
      },
      nodes: {
        g: {
          id: 'g',
          name: 'g',
          displayName: 'g',
          type: 'Pod',
          phase: 'Succeeded',
          templateName: 'main',
          startedAt: '2026-11-11T14:22:00Z',
          finishedAt: '2026-11-11T14:22:10Z',
          outputs: {
            artifacts: [
              { name: 'hello-art', s3: { key: 'g/g/hello-art.tgz' } },
              { name: 'main-logs', s3: { key: 'g/g/main.log' } },
            ],
          },
        },
      },
    },
  } as Workflow;
}

test('Output Artifacts: gogo String() of each global artifact, after Output Parameters', () => {
  const text = renderWorkflow(workflow(), opts);
  const lines = text.split('\n');
  const at = lines.indexOf('Output Artifacts:    ');
  assert.ok(at > lines.findIndex((l) => l.startsWith('Output Parameters:')), text);
  assert.equal(
    lines[at + 1],
    '  my-global-art:     &S3Artifact{S3Bucket:S3Bucket{Endpoint:,Bucket:,Region:,Insecure:nil,AccessKeySecret:nil,' +
      'SecretKeySecret:nil,RoleARN:,UseSDKCreds:false,CreateBucketIfNotPresent:nil,EncryptionOptions:nil,CASecret:nil,' +
      'SessionTokenSecret:nil,AddressingStyle:,},Key:g/g/hello-art.tgz,}',
  );
  assert.equal(
    lines[at + 2],
    '  full:              &S3Artifact{S3Bucket:S3Bucket{Endpoint:minio:9000,Bucket:my-bucket,Region:,Insecure:*true,' +
      'AccessKeySecret:&v1.SecretKeySelector{LocalObjectReference:LocalObjectReference{Name:my-minio-cred,},Key:accesskey,Optional:nil,},' +
      'SecretKeySecret:&v1.SecretKeySelector{LocalObjectReference:LocalObjectReference{Name:my-minio-cred,},Key:secretkey,Optional:nil,},' +
      'RoleARN:,UseSDKCreds:false,CreateBucketIfNotPresent:nil,EncryptionOptions:nil,CASecret:nil,SessionTokenSecret:nil,' +
      'AddressingStyle:,},Key:k,}',
  );
  assert.equal(lines[at + 3], '  r:                 &RawArtifact{Data:abc,}');
});

test('-o wide: the ARTIFACTS cell names the node’s output artifacts', () => {
  const text = renderWorkflow(workflow(), { ...opts, output: 'wide' });
  const row = text.split('\n').find((l) => l.startsWith(' ✔ g'));
  assert.match(row ?? '', /\shello-art,main-logs(\s|$)/, text);
});
