// The embedded API server refuses what kube-apiserver refuses, with its Status: one row per rule,
// each expected message being the real server's (Kubernetes' core validation and apimachinery's
// util/validation word them; see docs/local-clusters.md for what still differs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterState } from '../../../src/local/apiserver/objects.ts';
import { ApiError } from '../../../src/local/apiserver/status.ts';
import type { KubeObject } from '../../../src/local/apiserver/resources.ts';
import { parseQuantity, formatQuantity } from '../../../src/engine/quantity.ts';

const LABEL_KEY =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
  "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
  "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
  "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used " +
  "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const DNS_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start " +
  "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
  "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

type Pod = KubeObject;
const base = (): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
});
const main = (pod: Pod): Pod => pod.spec.containers[0];

interface Row {
  rule: string;
  edit: (pod: Pod) => void;
  /** Field path and message body of the single cause. */
  field: string;
  message: string;
}

const rows: Row[] = [
  {
    rule: 'label key',
    edit: (p) => (p.metadata.labels = { 'bad label!': 'x' }),
    field: 'metadata.labels',
    message: `Invalid value: "bad label!": ${LABEL_KEY}`,
  },
  {
    rule: 'label key prefix',
    edit: (p) => (p.metadata.labels = { 'Example.com/app': 'x' }),
    field: 'metadata.labels',
    message: `Invalid value: "Example.com/app": prefix part ${DNS_SUBDOMAIN}`,
  },
  {
    rule: 'label value',
    edit: (p) => (p.metadata.labels = { app: 'has space' }),
    field: 'metadata.labels',
    message: `Invalid value: "has space": ${LABEL_VALUE}`,
  },
  {
    rule: 'label value length',
    edit: (p) => (p.metadata.labels = { app: 'a'.repeat(64) }),
    field: 'metadata.labels',
    message: `Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
  },
  {
    rule: 'annotation key',
    edit: (p) => (p.metadata.annotations = { 'a b': 'x' }),
    field: 'metadata.annotations',
    message: `Invalid value: "a b": ${LABEL_KEY}`,
  },
  {
    rule: 'annotations total size',
    edit: (p) => (p.metadata.annotations = { big: 'x'.repeat(256 * 1024) }),
    field: 'metadata.annotations',
    message: 'Too long: may not be more than 262144 bytes',
  },
  {
    rule: 'object name',
    edit: (p) => (p.metadata.name = 'Bad_Name'),
    field: 'metadata.name',
    message: `Invalid value: "Bad_Name": ${DNS_SUBDOMAIN}`,
  },
  {
    rule: 'container name',
    edit: (p) => (main(p).name = 'Main'),
    field: 'spec.containers[0].name',
    message: `Invalid value: "Main": ${DNS_LABEL}`,
  },
  {
    rule: 'container name length',
    edit: (p) => (main(p).name = 'a'.repeat(64)),
    field: 'spec.containers[0].name',
    message: `Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
  },
  {
    rule: 'container name required',
    edit: (p) => delete main(p).name,
    field: 'spec.containers[0].name',
    message: 'Required value',
  },
  {
    rule: 'init container name duplicates a container',
    edit: (p) => (p.spec.initContainers = [{ name: 'main', image: 'busybox' }]),
    field: 'spec.initContainers[0].name',
    message: 'Duplicate value: "main"',
  },
  {
    rule: 'image required',
    edit: (p) => delete main(p).image,
    field: 'spec.containers[0].image',
    message: 'Required value',
  },
  {
    rule: 'image whitespace',
    edit: (p) => (main(p).image = 'busybox '),
    field: 'spec.containers[0].image',
    message: 'Invalid value: "busybox ": must not have leading or trailing whitespace',
  },
  {
    rule: 'env var name',
    edit: (p) => (main(p).env = [{ name: 'A=B', value: '1' }]),
    field: 'spec.containers[0].env[0].name',
    message:
      'Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
  },
  {
    rule: 'env var name required',
    edit: (p) => (main(p).env = [{ value: '1' }]),
    field: 'spec.containers[0].env[0].name',
    message: 'Required value',
  },
  {
    rule: 'port number',
    edit: (p) => (main(p).ports = [{ containerPort: 70000 }]),
    field: 'spec.containers[0].ports[0].containerPort',
    message: 'Invalid value: 70000: must be between 1 and 65535, inclusive',
  },
  {
    rule: 'port number required',
    edit: (p) => (main(p).ports = [{ name: 'http' }]),
    field: 'spec.containers[0].ports[0].containerPort',
    message: 'Required value',
  },
  {
    rule: 'port name characters',
    edit: (p) => (main(p).ports = [{ name: 'Http', containerPort: 80 }]),
    field: 'spec.containers[0].ports[0].name',
    message: 'Invalid value: "Http": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  },
  {
    rule: 'port name length',
    edit: (p) => (main(p).ports = [{ name: 'a-very-long-port-name', containerPort: 80 }]),
    field: 'spec.containers[0].ports[0].name',
    message: 'Invalid value: "a-very-long-port-name": must be no more than 15 characters',
  },
  {
    rule: 'port name duplicate',
    edit: (p) =>
      (main(p).ports = [
        { name: 'http', containerPort: 80 },
        { name: 'http', containerPort: 81 },
      ]),
    field: 'spec.containers[0].ports[1].name',
    message: 'Duplicate value: "http"',
  },
  {
    rule: 'port protocol',
    edit: (p) => (main(p).ports = [{ containerPort: 80, protocol: 'HTTP' }]),
    field: 'spec.containers[0].ports[0].protocol',
    message: 'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  },
  {
    rule: 'restartPolicy enum',
    edit: (p) => (p.spec.restartPolicy = 'Sometimes'),
    field: 'spec.restartPolicy',
    message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  },
  {
    rule: 'imagePullPolicy enum',
    edit: (p) => (main(p).imagePullPolicy = 'Maybe'),
    field: 'spec.containers[0].imagePullPolicy',
    message: 'Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"',
  },
  {
    rule: 'volumeMount names a volume',
    edit: (p) => (main(p).volumeMounts = [{ name: 'data', mountPath: '/data' }]),
    field: 'spec.containers[0].volumeMounts[0].name',
    message: 'Not found: "data"',
  },
  {
    rule: 'volumeMount mountPath required',
    edit: (p) => {
      p.spec.volumes = [{ name: 'data', emptyDir: {} }];
      main(p).volumeMounts = [{ name: 'data' }];
    },
    field: 'spec.containers[0].volumeMounts[0].mountPath',
    message: 'Required value',
  },
  {
    rule: 'volumeMount mountPath unique',
    edit: (p) => {
      p.spec.volumes = [{ name: 'data', emptyDir: {} }];
      main(p).volumeMounts = [
        { name: 'data', mountPath: '/data' },
        { name: 'data', mountPath: '/data' },
      ];
    },
    field: 'spec.containers[0].volumeMounts[1].mountPath',
    message: 'Invalid value: "/data": must be unique',
  },
  {
    rule: 'volume name',
    edit: (p) => (p.spec.volumes = [{ name: 'Data', emptyDir: {} }]),
    field: 'spec.volumes[0].name',
    message: `Invalid value: "Data": ${DNS_LABEL}`,
  },
  {
    rule: 'volume name duplicate',
    edit: (p) =>
      (p.spec.volumes = [
        { name: 'data', emptyDir: {} },
        { name: 'data', emptyDir: {} },
      ]),
    field: 'spec.volumes[1].name',
    message: 'Duplicate value: "data"',
  },
  {
    rule: 'volume type required',
    edit: (p) => (p.spec.volumes = [{ name: 'data' }]),
    field: 'spec.volumes[0]',
    message: 'Required value: must specify a volume type',
  },
  {
    rule: 'one volume type',
    edit: (p) => (p.spec.volumes = [{ name: 'data', emptyDir: {}, configMap: { name: 'c' } }]),
    field: 'spec.volumes[0].configMap',
    message: 'Forbidden: may not specify more than 1 volume type',
  },
  {
    rule: 'serviceAccountName format',
    edit: (p) => (p.spec.serviceAccountName = 'Workflow_SA'),
    field: 'spec.serviceAccountName',
    message: `Invalid value: "Workflow_SA": ${DNS_SUBDOMAIN}`,
  },
  {
    rule: 'resource quantity not negative',
    edit: (p) => (main(p).resources = { limits: { cpu: '-1' } }),
    field: 'spec.containers[0].resources.limits[cpu]',
    message: 'Invalid value: "-1": must be greater than or equal to 0',
  },
  {
    rule: 'request above limit',
    edit: (p) => (main(p).resources = { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } }),
    field: 'spec.containers[0].resources.requests[memory]',
    message: 'Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi',
  },
  {
    rule: 'resource name for containers',
    edit: (p) => (main(p).resources = { limits: { pods: '1' } }),
    field: 'spec.containers[0].resources.limits[pods]',
    message: 'Invalid value: "pods": must be a standard resource for containers',
  },
  {
    rule: 'nodeSelector value',
    edit: (p) => (p.spec.nodeSelector = { disk: 'has space' }),
    field: 'spec.nodeSelector',
    message: `Invalid value: "has space": ${LABEL_VALUE}`,
  },
  {
    rule: 'toleration with a value and operator Exists',
    edit: (p) => (p.spec.tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]),
    field: 'spec.tolerations[0].operator',
    message: `Invalid value: {"key":"k","operator":"Exists","value":"v"}: value must be empty when \`operator\` is 'Exists'`,
  },
  {
    rule: 'toleration operator',
    edit: (p) => (p.spec.tolerations = [{ key: 'k', operator: 'Maybe' }]),
    field: 'spec.tolerations[0].operator',
    message: 'Unsupported value: "Maybe": supported values: "Equal", "Exists"',
  },
  {
    rule: 'toleration effect',
    edit: (p) => (p.spec.tolerations = [{ key: 'k', operator: 'Exists', effect: 'Never' }]),
    field: 'spec.tolerations[0].effect',
    message: 'Unsupported value: "Never": supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"',
  },
  {
    rule: 'node affinity without terms',
    edit: (p) =>
      (p.spec.affinity = {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      }),
    field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
    message: 'Required value: must have at least one node selector term',
  },
  {
    rule: 'node affinity In without values',
    edit: (p) =>
      (p.spec.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }],
          },
        },
      }),
    field:
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values',
    message: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
  },
  {
    rule: 'hostAliases ip',
    edit: (p) => (p.spec.hostAliases = [{ ip: 'not-an-ip', hostnames: ['a.local'] }]),
    field: 'spec.hostAliases[0].ip',
    message: 'Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  },
  {
    rule: 'dnsPolicy',
    edit: (p) => (p.spec.dnsPolicy = 'Sometimes'),
    field: 'spec.dnsPolicy',
    message:
      'Unsupported value: "Sometimes": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  },
  {
    rule: 'dnsPolicy None without nameservers',
    edit: (p) => Object.assign(p.spec, { dnsPolicy: 'None', dnsConfig: { options: [{ name: 'ndots' }] } }),
    field: 'spec.dnsConfig.nameservers',
    message: 'Required value: must provide at least one DNS nameserver when `dnsPolicy` is None',
  },
  {
    rule: 'dnsConfig nameserver',
    edit: (p) => (p.spec.dnsConfig = { nameservers: ['dns.local'] }),
    field: 'spec.dnsConfig.nameservers[0]',
    message: 'Invalid value: "dns.local": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  },
  {
    rule: 'activeDeadlineSeconds',
    edit: (p) => (p.spec.activeDeadlineSeconds = 0),
    field: 'spec.activeDeadlineSeconds',
    message: 'Invalid value: 0: must be between 1 and 2147483647, inclusive',
  },
  {
    rule: 'schedulerName',
    edit: (p) => (p.spec.schedulerName = 'My_Scheduler'),
    field: 'spec.schedulerName',
    message: `Invalid value: "My_Scheduler": ${DNS_SUBDOMAIN}`,
  },
  {
    rule: 'pod securityContext runAsUser',
    edit: (p) => (p.spec.securityContext = { runAsUser: -1 }),
    field: 'spec.securityContext.runAsUser',
    message: 'Invalid value: -1: must be between 0 and 2147483647, inclusive',
  },
  {
    rule: 'container securityContext runAsGroup',
    edit: (p) => (main(p).securityContext = { runAsGroup: -5 }),
    field: 'spec.containers[0].securityContext.runAsGroup',
    message: 'Invalid value: -5: must be between 0 and 2147483647, inclusive',
  },
];

function attempt(pod: Pod, autoNs = false): ApiError {
  const state = new ClusterState({ autoCreateNamespaces: autoNs });
  const ns = state.registry.byKey('/namespaces')!;
  state.create(ns, '', { metadata: { name: 'default' } });
  try {
    state.create(state.registry.byKey('/pods')!, 'default', pod);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail('the pod was accepted');
}

describe('pod validation (kube-apiserver rules and messages)', () => {
  test('a valid pod with every field the rules look at is accepted', () => {
    const state = new ClusterState();
    state.create(state.registry.byKey('/namespaces')!, '', { metadata: { name: 'default' } });
    const pod = base();
    pod.metadata.labels = { 'workflows.argoproj.io/workflow': 'wf-1', app: '' };
    pod.metadata.annotations = { 'Workflows.argoproj.io/Node-Name': 'wf-1[0].a' };
    pod.spec.volumes = [{ name: 'data', emptyDir: {} }];
    pod.spec.serviceAccountName = 'default';
    Object.assign(main(pod), {
      env: [{ name: 'MY VAR.1', value: 'x' }],
      ports: [{ name: 'http', containerPort: 8080 }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      resources: {
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { cpu: 1, memory: '1Gi', 'example.com/gpu': '1' },
      },
    });
    const stored = state.create(state.registry.byKey('/pods')!, 'default', pod);
    assert.equal(stored.spec.containers[0].ports[0].protocol, 'TCP');
  });

  for (const row of rows) {
    test(row.rule, () => {
      const pod = base();
      row.edit(pod);
      const e = attempt(pod);
      assert.equal(e.status.code, 422);
      assert.equal(e.status.reason, 'Invalid');
      assert.deepEqual(e.status.details?.causes, [
        { reason: e.status.details?.causes?.[0]?.reason, field: row.field, message: row.message },
      ]);
      assert.equal(e.status.message, `Pod "${pod.metadata.name}" is invalid: ${row.field}: ${row.message}`);
    });
  }

  test('several problems are listed together, in brackets', () => {
    const pod = base();
    pod.metadata.labels = { 'bad label!': 'x' };
    delete main(pod).image;
    const e = attempt(pod);
    assert.equal(
      e.status.message,
      `Pod "p" is invalid: [metadata.labels: Invalid value: "bad label!": ${LABEL_KEY}, spec.containers[0].image: Required value]`,
    );
    assert.deepEqual(
      e.status.details?.causes?.map((c) => c.reason),
      ['FieldValueInvalid', 'FieldValueRequired'],
    );
  });

  test('a quantity that does not parse fails decoding: 400, as the real server', () => {
    const pod = base();
    main(pod).resources = { limits: { cpu: 'lots' } };
    const e = attempt(pod);
    assert.equal(e.status.code, 400);
    assert.equal(e.status.reason, 'BadRequest');
    assert.equal(
      e.status.message,
      'Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression ' +
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });

  test('a pod in a namespace that does not exist is 404 NotFound for namespaces', () => {
    const pod = base();
    const state = new ClusterState();
    try {
      state.create(state.registry.byKey('/pods')!, 'does-not-exist', pod);
      assert.fail('accepted');
    } catch (e) {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status.code, 404);
      assert.equal(e.status.message, 'namespaces "does-not-exist" not found');
      assert.deepEqual(e.status.details, { name: 'does-not-exist', kind: 'namespaces' });
    }
  });

  test('quantities print in canonical form, as Quantity.String()', () => {
    const cases: Array<[string | number, string]> = [
      ['1', '1'],
      [0.5, '500m'],
      ['1.5', '1500m'],
      ['1000', '1k'],
      ['2000m', '2'],
      ['1.5Gi', '1536Mi'],
      ['512Mi', '512Mi'],
      ['1024', '1024'],
      ['1e3', '1e3'],
    ];
    for (const [input, out] of cases) assert.equal(formatQuantity(parseQuantity(input)!), out, String(input));
    for (const bad of ['lots', '1.2.3', '1Gb', '', ' 1']) assert.equal(parseQuantity(bad), undefined, bad);
  });
});

describe('Priority admission', () => {
  test('an unknown PriorityClass is refused with the plugin’s message; a system class sets spec.priority', () => {
    const pod = base();
    pod.spec.priorityClassName = 'high';
    const e = attempt(pod);
    assert.equal(e.status.code, 403);
    assert.equal(e.status.message, 'pods "p" is forbidden: no PriorityClass with name high was found');
    const state = new ClusterState();
    state.create(state.registry.byKey('/namespaces')!, '', { metadata: { name: 'default' } });
    const ok = base();
    ok.spec.priorityClassName = 'system-cluster-critical';
    assert.equal(state.create(state.registry.byKey('/pods')!, 'default', ok).spec.priority, 2000000000);
  });
});
