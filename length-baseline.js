// Files that held a function longer than the 50-line rule (eslint.config.js) when the rule came in,
// with the length of their longest one (ESLint's count: no blank or comment lines). Such a file may
// not grow a longer function; everything else must meet 50. This list only shrinks: split a
// function, then lower or delete its entry — test/unit/architecture/length-baseline.test.ts fails
// while an entry is looser than the file needs, so progress cannot be lost.
/** @type {Record<string, number>} */
export default {
  'src/adapters/aws/dlq.ts': 56,
  'src/adapters/aws/lambda-control.ts': 56,
  'src/adapters/aws/signed-json.ts': 52,
  'src/adapters/kube/http-transport.ts': 53,
  'src/cli/commands/replay.ts': 56,
  'src/clusters/stores/aws-secretsmanager.ts': 58,
  'src/clusters/stores/kubernetes.ts': 56,
  'src/engine/dag/execute-dag.ts': 56,
  'src/engine/expr/govaluate.ts': 57,
  'src/local/apiserver/crd-schema.ts': 52,
  'src/local/kubelet/node.ts': 57,
};
