// Stand-in for curl in curlimages/curl (and alpine after `apk add curl`): the options Argo's examples
// use, with curl's output, messages and exit codes. A pod's loopback (localhost, 127.0.0.1) is the pod's
// own network namespace, which locally is the pod's IP (ARGOSY_POD_IP): sidecars bind there.
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const VERSION = '8.11.1';
const HELP = "curl: try 'curl --help' or 'curl --manual' for more information";

/** Options taking a value, long name → short letter (or itself). */
const WITH_VALUE = {
  '-X': 'request',
  '--request': 'request',
  '-d': 'data',
  '--data': 'data',
  '--data-ascii': 'data',
  '--data-binary': 'data-binary',
  '--data-raw': 'data-raw',
  '--data-urlencode': 'data-urlencode',
  '-H': 'header',
  '--header': 'header',
  '-o': 'output',
  '--output': 'output',
  '-m': 'max-time',
  '--max-time': 'max-time',
  '--connect-timeout': 'connect-timeout',
  '-A': 'user-agent',
  '--user-agent': 'user-agent',
  '-u': 'user',
  '--user': 'user',
};
const FLAGS = {
  '-G': 'get',
  '--get': 'get',
  '-s': 'silent',
  '--silent': 'silent',
  '-S': 'show-error',
  '--show-error': 'show-error',
  '-f': 'fail',
  '--fail': 'fail',
  '-i': 'include',
  '--include': 'include',
  '-I': 'head',
  '--head': 'head',
  '-L': 'location',
  '--location': 'location',
  '-k': 'insecure',
  '--insecure': 'insecure',
  '-v': 'verbose',
  '--verbose': 'verbose',
};

class CurlError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** `-sSXPOST` → `-s -S -X POST`; `--opt=value` is not curl syntax and stays unknown. */
function expand(argv) {
  const out = [];
  for (const a of argv) {
    if (!/^-[^-]/.test(a) || a.length === 2) {
      out.push(a);
      continue;
    }
    for (let i = 1; i < a.length; i++) {
      const opt = `-${a[i]}`;
      out.push(opt);
      if (WITH_VALUE[opt] && i + 1 < a.length) {
        out.push(a.slice(i + 1));
        break;
      }
    }
  }
  return out;
}

function parseArgs(argv) {
  const o = { data: [], header: [], urls: [] };
  const args = expand(argv);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (WITH_VALUE[a]) {
      if (i + 1 >= args.length) throw new CurlError(2, `curl: option ${a}: requires parameter\n${HELP}`);
      const v = args[++i];
      const key = WITH_VALUE[a];
      if (key.startsWith('data')) o.data.push([key, v]);
      else if (key === 'header') o.header.push(v);
      else o[key] = v;
    } else if (FLAGS[a]) o[FLAGS[a]] = true;
    else if (a.startsWith('-') && a !== '-') throw new CurlError(2, `curl: option ${a}: is unknown\n${HELP}`);
    else o.urls.push(a);
  }
  if (o.urls.length === 0) throw new CurlError(2, `curl: no URL specified\n${HELP}`);
  return o;
}

/** One `-d`/`--data-*` argument as curl sends it. */
function dataPart([kind, v]) {
  if (kind === 'data-raw') return v;
  if (kind === 'data' || kind === 'data-binary') {
    if (!v.startsWith('@')) return v;
    const text = readFileSync(v.slice(1) === '-' ? 0 : v.slice(1), 'utf8');
    return kind === 'data' ? text.replace(/[\r\n]/g, '') : text;
  }
  // --data-urlencode: "content", "=content", "name=content", "@file", "name@file".
  const eq = v.indexOf('=');
  const at = v.indexOf('@');
  if (eq >= 0 && (at < 0 || eq < at)) {
    const name = v.slice(0, eq);
    const value = encodeURIComponent(v.slice(eq + 1)).replace(/%20/g, '+');
    return name ? `${name}=${value}` : value;
  }
  if (at >= 0) {
    const name = v.slice(0, at);
    const value = encodeURIComponent(readFileSync(v.slice(at + 1), 'utf8')).replace(/%20/g, '+');
    return name ? `${name}=${value}` : value;
  }
  return encodeURIComponent(v).replace(/%20/g, '+');
}

/** The pod's own loopback: inside a pod localhost is the pod; locally that is its pod IP. */
function podAddress(host) {
  const own = process.env.ARGOSY_POD_IP;
  return own && (host === 'localhost' || host === '127.0.0.1' || host === '[::1]') ? own : host;
}

function target(raw, o) {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CurlError(3, `curl: (3) URL rejected: Malformed input to a URL function`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CurlError(1, `curl: (1) Protocol "${url.protocol.slice(0, -1)}" not supported`);
  const body = o.data.length ? o.data.map(dataPart).join('&') : undefined;
  if (body !== undefined && o.get) url.search += (url.search ? '&' : '?') + body;
  return { url, body: o.get ? undefined : body };
}

function methodOf(o, body) {
  if (o.request) return o.request;
  if (o.head) return 'HEAD';
  return body !== undefined ? 'POST' : 'GET';
}

function headersOf(o, body) {
  const headers = { 'User-Agent': o['user-agent'] ?? `curl/${VERSION}`, Accept: '*/*' };
  if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  if (o.user) headers.Authorization = `Basic ${Buffer.from(o.user).toString('base64')}`;
  for (const h of o.header) {
    const colon = h.indexOf(':');
    if (colon > 0) headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  return headers;
}

function failedToConnect(url, started, err) {
  const host = url.hostname;
  const port = url.port || (url.protocol === 'https:' ? 443 : 80);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
    return new CurlError(6, `curl: (6) Could not resolve host: ${host}`);
  const ms = Date.now() - started;
  return new CurlError(
    7,
    `curl: (7) Failed to connect to ${host} port ${port} after ${ms} ms: Couldn't connect to server`,
  );
}

/** One transfer: resolves with the response status, headers and body. */
function transfer(url, o, body, redirects = 0) {
  const started = Date.now();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const method = methodOf(o, body);
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: podAddress(url.hostname),
        port: url.port || undefined,
        path: url.pathname + url.search,
        method,
        headers: { Host: url.host, ...headersOf(o, body) },
        rejectUnauthorized: !o.insecure,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(new CurlError(56, `curl: (56) Recv failure: ${e.message}`)));
      },
    );
    const limit = Number(o['max-time'] ?? o['connect-timeout'] ?? 0) * 1000;
    if (limit > 0)
      req.setTimeout(limit, () => {
        req.destroy();
        reject(new CurlError(28, `curl: (28) Operation timed out after ${limit} milliseconds with 0 bytes received`));
      });
    req.on('error', (e) => reject(e instanceof CurlError ? e : failedToConnect(url, started, e)));
    if (body !== undefined && method !== 'GET' && method !== 'HEAD') req.write(body);
    req.end();
  }).then(async (r) => {
    const location = r.res.headers.location;
    if (o.location && location && r.res.statusCode >= 300 && r.res.statusCode < 400 && redirects < 50)
      return transfer(new URL(location, url), o, undefined, redirects + 1);
    return r;
  });
}

function statusBlock(res) {
  const lines = [`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
}

async function main(o) {
  const outputs = [];
  for (const raw of o.urls) {
    const { url, body } = target(raw, o);
    const { res, body: got } = await transfer(url, o, body);
    if (o.fail && res.statusCode >= 400)
      throw new CurlError(22, `curl: (22) The requested URL returned error: ${res.statusCode}`);
    outputs.push(o.include || o.head ? Buffer.concat([statusBlock(res), o.head ? Buffer.alloc(0) : got]) : got);
  }
  const all = Buffer.concat(outputs);
  if (o.output && o.output !== '-') writeFileSync(o.output, all);
  else process.stdout.write(all);
}

let options = { silent: false };
try {
  options = parseArgs(process.argv.slice(2));
  await main(options);
} catch (e) {
  const code = e instanceof CurlError ? e.code : 2;
  // -s hides errors unless -S; usage errors always show.
  if (code === 2 || !options.silent || options['show-error'])
    process.stderr.write(`${e instanceof CurlError ? e.message : `curl: ${e}`}\n`);
  process.exitCode = code;
}
