/**
 * What the host can stand in for, image by image (process runtime): the image's default
 * entrypoint and command, and how well-known executables map to host tools or to the scripts
 * shipped in ./images (argosay, cowsay). Images the host cannot imitate fail to "pull".
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { assetDir } from '../assets.ts';

export const IMAGES_DIR = assetDir(import.meta.url, 'images', 'images');
const ARGOSAY = join(IMAGES_DIR, 'argosay.sh');
const COWSAY = join(IMAGES_DIR, 'cowsay.sh');
/** Stand-ins for busybox applets the host usually lacks (nslookup), first on PATH in busybox-based images. */
const BUSYBOX_APPLETS = join(IMAGES_DIR, 'busybox');
/** `cowsay` on PATH for the whalesay-style images, whose scripts call it from `sh -c "cowsay …"`. */
const WHALESAY_TOOLS = join(IMAGES_DIR, 'whalesay');
/** nginx, influxd (1.x) and curl as small Node stand-ins (`images/js/`), serving at the pod's IP. */
const NGINX_TOOLS = join(IMAGES_DIR, 'nginx');
const INFLUXDB_TOOLS = join(IMAGES_DIR, 'influxdb');
const CURL_TOOLS = join(IMAGES_DIR, 'curl');
/** alpine's own tools (apk, and curl after `apk add curl`), then busybox's applets. */
const ALPINE_TOOLS = [join(IMAGES_DIR, 'alpine'), BUSYBOX_APPLETS].join(delimiter);

export interface ImageProfile {
  /** Docker ENTRYPOINT. */
  entrypoint: string[];
  /** Docker CMD. */
  cmd: string[];
  /** A directory of tool stand-ins put first on the container's PATH. */
  path?: string;
  /**
   * The image's `sh` is busybox ash, which is closer to bash than to a host's dash (`[[ ]]`, `==`, echo
   * without escapes): `sh` runs as the host's bash.
   */
  ash?: boolean;
}

/** `docker.io/library/python:3.12` → `python`; `argoproj/argosay:v2` → `argoproj/argosay`. */
export function repositoryOf(image: string): { repo: string; tag: string } {
  let ref = image.trim();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  let tag = 'latest';
  if (colon > slash) {
    tag = ref.slice(colon + 1);
    ref = ref.slice(0, colon);
  }
  const parts = ref.split('/');
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost'))
    parts.shift();
  if (parts[0] === 'library') parts.shift();
  return { repo: parts.join('/'), tag };
}

/** The profile of an image the host can imitate, or undefined (⇒ ErrImagePull). */
export function imageProfile(image: string): ImageProfile | undefined {
  const { repo, tag } = repositoryOf(image);
  switch (repo) {
    case 'argoproj/argosay':
      // v2 is built FROM v1 (Argo's test/e2e/images/argosay/v2/Dockerfile), so v1's cowsay is on its PATH too.
      return tag.startsWith('v1')
        ? { entrypoint: [], cmd: ['cowsay'], path: WHALESAY_TOOLS }
        : { entrypoint: ['/argosay'], cmd: [], path: WHALESAY_TOOLS, ash: true };
    case 'docker/whalesay':
      return { entrypoint: [], cmd: ['/bin/bash'], path: WHALESAY_TOOLS };
    case 'busybox':
      return { entrypoint: [], cmd: ['sh'], path: BUSYBOX_APPLETS, ash: true };
    case 'alpine':
      return { entrypoint: [], cmd: ['sh'], path: ALPINE_TOOLS, ash: true };
    case 'debian':
    case 'ubuntu':
    case 'bash':
      return { entrypoint: [], cmd: ['bash'] };
    case 'python':
      return { entrypoint: [], cmd: ['python3'] };
    case 'node':
      return { entrypoint: [], cmd: ['node'] };
    case 'argoproj/argoexec':
      return { entrypoint: ['argoexec'], cmd: [] };
    default:
      return serviceProfile(repo, tag);
  }
}

/**
 * The service images Argo's daemon and sidecar examples use, as their Dockerfiles define them: nginx
 * (`/docker-entrypoint.sh` from 1.19), influxdb 1.x (2.x has another API: not stood in), curlimages/curl
 * (alpine-based, so its `sh` is ash).
 */
function serviceProfile(repo: string, tag: string): ImageProfile | undefined {
  const nginx = { cmd: ['nginx', '-g', 'daemon off;'], path: NGINX_TOOLS };
  switch (repo) {
    case 'nginx':
      return nginxBefore119(tag) ? { entrypoint: [], ...nginx } : { entrypoint: ['/docker-entrypoint.sh'], ...nginx };
    case 'influxdb':
      return /^1(\.|$|-)/.test(tag)
        ? { entrypoint: ['/entrypoint.sh'], cmd: ['influxd'], path: INFLUXDB_TOOLS }
        : undefined;
    case 'curlimages/curl':
      return { entrypoint: ['/entrypoint.sh'], cmd: ['curl'], path: CURL_TOOLS, ash: true };
    default:
      return undefined;
  }
}

function nginxBefore119(tag: string): boolean {
  const m = /^1\.(\d+)/.exec(tag);
  return !!m && Number(m[1]) < 19;
}

/**
 * Digit-less tag words images publish (`latest`, `python:alpine`, `debian:bookworm-slim`). A tag with no
 * digit made only of other words cannot be told from a typo, and local mode has no registry to ask: it is
 * treated as absent (Argo's `alpine:doesntexist` case), so the pod fails to pull as on a real node.
 */
const TAG_WORDS = new Set(
  (
    'latest edge slim stable testing unstable sid lts current alpine bookworm bullseye buster stretch trixie ' +
    'jammy focal noble bionic xenial musl glibc uclibc'
  ).split(' '),
);

function plausibleTag(tag: string): boolean {
  return /\d/.test(tag) || tag.split(/[-._]/).some((part) => TAG_WORDS.has(part));
}

/** The reference containerd resolves: `alpine:x` → `docker.io/library/alpine:x`. */
export function fullReference(image: string): string {
  const ref = image.trim();
  const first = ref.split('/')[0] ?? '';
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const named = hasRegistry ? ref : `docker.io/${ref.includes('/') ? ref : `library/${ref}`}`;
  return /:[^/]+$/.test(named) || named.includes('@') ? named : `${named}:latest`;
}

/**
 * Why pulling `image` fails as a registry would answer, or undefined: an image the host stands in for
 * with a tag that cannot exist gets containerd's NotFound, as the kubelet reports it (ErrImagePull).
 */
export function pullNotFound(image: string): string | undefined {
  const { tag } = repositoryOf(image);
  if (image.includes('@') || plausibleTag(tag)) return undefined;
  const ref = fullReference(image);
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": ` +
    `failed to resolve reference "${ref}": ${ref}: not found`
  );
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `name` on `PATH`. */
export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p) && isExecutable(p)) return p;
  }
  return undefined;
}

const ALIASES: Record<string, string[]> = {
  python: ['python3'],
  python2: ['python3'],
  pip: ['pip3'],
};

/** `/argosay` run as a command word of a shell script (start, or after a space, `;`, `&`, `|` or `(`). */
const ARGOSAY_COMMAND = /(^|[\s;&|(])\/argosay(?=$|[\s;&|)])/g;

/**
 * A script that calls the argosay image's entrypoint by its path (Argo's hooks e2e runs `sh -c /argosay`)
 * calls the stand-in instead: there is no `/argosay` on the host.
 */
function argosayInScript(script: string): string {
  return script.replace(ARGOSAY_COMMAND, `$1sh '${ARGOSAY.replace(/'/g, `'\\''`)}'`);
}

/**
 * Maps a container's argv[0] to something runnable on the host; returns the full argv to spawn,
 * or an error message like the container runtime's "executable file not found".
 */
export function resolveExecutable(
  argv: string[],
  toolsDir?: string,
  ash = false,
): { argv: string[] } | { error: string } {
  const [first, ...rest] = argv;
  if (!first) return { error: 'no command specified' };
  const asBash = ash && (first === 'sh' || first === '/bin/sh') ? which('bash') : undefined;
  const cmd = asBash ?? first;
  const base = cmd.split('/').pop()!;
  // `sh -c <wrapper> <command...>` (script prologue, outputs wrapper): the wrapper runs "$0", which
  // is the image's own entrypoint (e.g. /argosay) — map it like a bare argv[0].
  if ((base === 'sh' || base === 'bash') && rest[0] === '-c' && rest.length >= 3) {
    const zero = String(rest[2]).split('/').pop();
    if (zero === 'argosay') rest[2] = ARGOSAY;
    else if (zero === 'cowsay') rest[2] = COWSAY;
  }
  if ((base === 'sh' || base === 'bash') && rest[0] === '-c' && rest[1] !== undefined)
    rest[1] = argosayInScript(String(rest[1]));
  if (base === 'argosay') return { argv: ['sh', ARGOSAY, ...rest] };
  if (base === 'cowsay') return { argv: ['sh', COWSAY, ...rest] };
  // The image's own tools come first, also by their absolute path (`/bin/sh` in busybox is busybox's).
  const own = toolsDir && /^(\/usr)?(\/local)?\/s?bin\/[^/]+$|^\/?[^/]+$/.test(cmd) ? which(base, toolsDir) : undefined;
  if (own) return { argv: [own, ...rest] };
  if (isAbsolute(cmd) && isExecutable(cmd)) return { argv: [cmd, ...rest] };
  const searched = toolsDir ? `${toolsDir}${delimiter}${process.env.PATH ?? ''}` : undefined;
  for (const candidate of [base, ...(ALIASES[base] ?? [])]) {
    const found = which(candidate, searched);
    if (found) return { argv: [found, ...rest] };
  }
  return {
    error:
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: ' +
      `unable to start container process: exec: "${first}": executable file not found in $PATH: unknown`,
  };
}
