/**
 * Per-cluster PKI: a CA and a serving certificate for the cluster's loopback IP (SAN), made with
 * `selfsigned`. EC P-256 keeps generation fast; SHA-256 signatures satisfy Go's and Node's TLS.
 */
import { generate } from 'selfsigned';

export interface ServingCert {
  /** CA certificate (PEM) clients trust (kubeconfig `certificate-authority-data`). */
  caPem: string;
  caKey: string;
  cert: string;
  key: string;
}

/** Creates a CA and a serving certificate valid for `ip` (and `localhost`). */
export async function createServingCert(clusterName: string, ip: string): Promise<ServingCert> {
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: `${clusterName}-ca` }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip },
          { type: 2, value: 'localhost' },
          { type: 2, value: 'kubernetes.default.svc' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, caKey: ca.private, cert: leaf.cert, key: leaf.private };
}
