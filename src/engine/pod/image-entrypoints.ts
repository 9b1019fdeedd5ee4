/**
 * ENTRYPOINT and CMD of the images Argo's examples use without `command`, as Argo's controller ConfigMap
 * `images:` index lists them. Argo falls back to a registry lookup; Argosy's engine is pure, so an image
 * not listed here needs an explicit `command` in executor pods (the pod build fails with Argo's message).
 */

/** An image's Docker ENTRYPOINT and CMD. */
export interface ImageCommand {
  entrypoint: string[];
  cmd: string[];
}

const INDEX: Record<string, ImageCommand> = {
  'argoproj/argosay:v2': { entrypoint: ['/argosay'], cmd: [] },
  'argoproj/argosay:v1': { entrypoint: [], cmd: ['cowsay'] },
  'docker/whalesay': { entrypoint: [], cmd: ['/bin/bash'] },
  alpine: { entrypoint: [], cmd: ['/bin/sh'] },
  busybox: { entrypoint: [], cmd: ['sh'] },
  ubuntu: { entrypoint: [], cmd: ['/bin/bash'] },
  debian: { entrypoint: [], cmd: ['bash'] },
  bash: { entrypoint: [], cmd: ['bash'] },
  python: { entrypoint: [], cmd: ['python3'] },
  node: { entrypoint: [], cmd: ['node'] },
  golang: { entrypoint: [], cmd: ['bash'] },
  // The service images of Argo's daemon and sidecar examples, as their Dockerfiles set them.
  'nginx:1.13': { entrypoint: [], cmd: ['nginx', '-g', 'daemon off;'] },
  nginx: { entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'] },
  'influxdb:1.2': { entrypoint: ['/entrypoint.sh'], cmd: ['influxd'] },
  'curlimages/curl': { entrypoint: ['/entrypoint.sh'], cmd: ['curl'] },
};

/** `docker.io/library/alpine:3.7` → `alpine`; keeps the tag when `withTag`. */
function normalise(image: string, withTag: boolean): string {
  let ref = image
    .trim()
    .replace(/^docker\.io\//, '')
    .replace(/^library\//, '');
  ref = ref.replace(/@.*$/, '');
  return withTag ? ref : ref.replace(/:[^/]*$/, '');
}

/** The ENTRYPOINT/CMD of a known image (exact tag first, then the repository), or undefined. */
export function imageCommand(image: string): ImageCommand | undefined {
  return INDEX[normalise(image, true)] ?? INDEX[normalise(image, false)];
}
