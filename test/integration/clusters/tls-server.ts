// A tiny real-TLS HTTPS server for client tests: a self-signed certificate for 127.0.0.1 and a
// handler the test swaps per case. Binds 127.0.0.1 on an ephemeral port.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface TlsServer {
  url: string;
  caPem: string;
  /** A second, unrelated CA (for wrong-CA cases). */
  otherCaPem: string;
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  stop(): Promise<void>;
}

export async function startTlsServer(): Promise<TlsServer> {
  const ext = [
    {
      name: 'subjectAltName' as const,
      altNames: [
        { type: 7 as const, ip: '127.0.0.1' },
        { type: 2 as const, value: 'kube.test' },
      ],
    },
  ];
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, extensions: ext });
  const other = await generate([{ name: 'commonName', value: 'other' }], { keySize: 2048 });
  const state: TlsServer = {
    url: '',
    caPem: pems.cert,
    otherCaPem: other.cert,
    handler: (_req, res) => res.end('{}'),
    requests: [],
    stop: async () => undefined,
  };
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      state.handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.url = `https://127.0.0.1:${port}`;
  state.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
