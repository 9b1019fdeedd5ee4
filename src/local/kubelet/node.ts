/** The Node object a local kubelet registers, and the Events it records. */
import { randomBytes } from 'node:crypto';
import type { ClusterState } from '../apiserver/objects.ts';
import { kubeTime } from '../apiserver/objects.ts';
import type { KubeObject } from '../apiserver/resources.ts';

/** Creates (or refreshes) `<cluster>-node`, Ready, with the cluster's loopback IP. */
export function createNode(state: ClusterState, name: string, ip: string): KubeObject {
  const def = state.registry.byKey('/nodes')!;
  const now = kubeTime(state.now());
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
        // The deprecated names real kubelets still set (Argo's node-selector example uses one).
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
        'node.argosy.io/local': 'true',
      },
    },
    spec: {},
  };
  const existing = state.find(def, '', name);
  const stored = existing ?? state.create(def, '', node);
  const status = {
    capacity: { cpu: '2', memory: '16Gi', pods: '10000' },
    allocatable: { cpu: '2', memory: '16Gi', pods: '10000' },
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
    nodeInfo: {
      kubeletVersion: 'v1.32.0-argosy',
      containerRuntimeVersion: 'argosy://local',
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      osImage: 'Argosy local node',
      kernelVersion: '',
      machineID: '',
      systemUUID: '',
      bootID: '',
      kubeProxyVersion: '',
    },
  };
  return state.update(def, '', name, { ...stored, status }, 'status');
}

/** Records a core/v1 Event about a pod, as the kubelet and scheduler do. */
export function recordEvent(
  state: ClusterState,
  pod: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component: string,
): void {
  const def = state.registry.byKey('/events')!;
  const now = kubeTime(state.now());
  const ns = pod.metadata.namespace;
  const name = `${pod.metadata.name}.${randomBytes(8).toString('hex')}`;
  try {
    state.create(def, ns, {
      metadata: { name, namespace: ns },
      involvedObject: {
        kind: 'Pod',
        namespace: ns,
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pod.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component, ...(component === 'kubelet' ? { host: pod.spec?.nodeName } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: pod.spec?.nodeName ?? '',
    });
  } catch {
    // Events are best effort, like the real event recorder (e.g. namespace being deleted).
  }
}
