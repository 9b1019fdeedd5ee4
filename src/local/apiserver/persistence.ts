/**
 * What a cluster keeps in `dataDir` so that a restarted local cluster is the same cluster to its
 * clients: the objects (`<name>.json`), and its identity (`<name>.identity.json`: certificate, CA,
 * admin token, identities with their tokens, the port it listened on). Rest-config entries and
 * kubeconfigs written before a restart keep working when the port is still free.
 */
import { join } from 'node:path';
import type { Logger } from '../../logger.ts';
import { readStateFile, writePrivateFile } from './state-file.ts';
import type { RbacRule } from './rbac.ts';
import type { ApiServer } from './server.ts';
import type { StoreSnapshot } from './store.ts';
import type { ServingCert } from './tls.ts';

export interface ClusterIdentityFile {
  host: string;
  port: number;
  cert: ServingCert;
  adminToken: string;
  identities: Array<{ name: string; token: string; rules: RbacRule[] }>;
}

const objectsPath = (dir: string, name: string) => join(dir, `${name}.json`);
const identityPath = (dir: string, name: string) => join(dir, `${name}.identity.json`);

export function loadObjects(dir: string, name: string, logger?: Logger): StoreSnapshot | undefined {
  return readStateFile<StoreSnapshot>(objectsPath(dir, name), logger);
}

/** Saves the objects (Secrets among them): owner-only, atomically (./state-file.ts). */
export function saveObjects(dir: string, name: string, server: ApiServer): void {
  writePrivateFile(objectsPath(dir, name), JSON.stringify(server.state.store.snapshot()));
}

/** The saved identity, if it was made for the same loopback address. */
export function loadIdentity(
  dir: string,
  name: string,
  host: string,
  logger?: Logger,
): ClusterIdentityFile | undefined {
  const file = readStateFile<ClusterIdentityFile>(identityPath(dir, name), logger);
  return file?.host === host ? file : undefined;
}

export function saveIdentity(dir: string, name: string, server: ApiServer, host: string, cert: ServingCert): void {
  const file: ClusterIdentityFile = {
    host,
    port: Number(new URL(server.url).port),
    cert,
    adminToken: server.auth.adminToken,
    identities: server.auth.exportIdentities(),
  };
  writePrivateFile(identityPath(dir, name), JSON.stringify(file));
}

/** Saves the objects at most once a second after changes, so a crash loses little; returns a canceller. */
export function persistOnChange(server: ApiServer, dir: string, name: string): () => void {
  let timer: NodeJS.Timeout | undefined;
  const unsubscribe = server.state.store.subscribe(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      saveObjects(dir, name, server);
    }, 1000);
    timer.unref();
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}
