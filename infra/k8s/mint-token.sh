#!/usr/bin/env bash
# Mints the kubeconfig `argosy cluster add` reads for another cluster, from the long-lived token of
# ServiceAccount "argosy" (infra/k8s/remote-cluster or remote-namespace applied there first).
#
#   infra/k8s/mint-token.sh CONTEXT CLUSTER_NAME [NAMESPACE=argosy] [OUT=./argosy-CLUSTER_NAME.kubeconfig]
#   KUBECONFIG=./argosy-other.kubeconfig argosy cluster add other. other      # cluster-wide
#   KUBECONFIG=./argosy-other.kubeconfig argosy cluster add other.argo other  # remote-namespace, NAMESPACE=argo
#
# CONTEXT is your admin context for that cluster (used only to read the Secret and the API address);
# the output holds one context named CLUSTER_NAME with the ServiceAccount's token. The token never
# appears on a command line (it is written to the file directly); the file is created mode 600.
# Delete it after `argosy cluster add`: the entry now lives in the rest-config store.
# On EKS, prefer IAM token mode (no static token): see docs/deploy.md.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
context=$1
name=$2
namespace=${3:-argosy}
out=${4:-./argosy-${name}.kubeconfig}
secret=${ARGOSY_TOKEN_SECRET:-argosy-token}
kc=(kubectl --context "$context" -n "$namespace")

# The token controller fills the Secret in asynchronously after it is created.
token_b64=''
for _ in $(seq 1 30); do
  token_b64=$("${kc[@]}" get secret "$secret" -o 'jsonpath={.data.token}' 2>/dev/null || true)
  [[ -n "$token_b64" ]] && break
  sleep 1
done
if [[ -z "$token_b64" ]]; then
  echo "secret $namespace/$secret in context $context has no token; apply infra/k8s/remote-cluster first" >&2
  exit 1
fi
ca_b64=$("${kc[@]}" get secret "$secret" -o 'jsonpath={.data.ca\.crt}')
cluster_ref=$(kubectl config view -o "jsonpath={.contexts[?(@.name==\"$context\")].context.cluster}")
server=$(kubectl config view -o "jsonpath={.clusters[?(@.name==\"$cluster_ref\")].cluster.server}")
if [[ -z "$server" ]]; then
  echo "context $context not found in your kubeconfig" >&2
  exit 1
fi
token=$(printf '%s' "$token_b64" | base64 -d)

umask 077
cat >"$out" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: ${name}
    cluster:
      server: ${server}
      certificate-authority-data: ${ca_b64}
users:
  - name: argosy-${name}
    user:
      token: ${token}
contexts:
  - name: ${name}
    context:
      cluster: ${name}
      user: argosy-${name}
      namespace: ${namespace}
current-context: ${name}
KUBECONFIG

key="${name}."
[[ "$namespace" != "argosy" ]] && key="${name}.${namespace}"
echo "wrote $out (context \"$name\", ServiceAccount $namespace/argosy)"
echo "next: KUBECONFIG=$out argosy cluster add $key $name && rm $out"
