// Stand-in for influxd of influxdb 1.x images: the HTTP API on port 8086 of the pod's address
// (ARGOSY_POD_IP, the pod's own loopback IP locally; INFLUXDB_HTTP_BIND_ADDRESS's port if set), in
// memory: `/ping`, `/write` (line protocol; precision), `/query` (CREATE/DROP DATABASE, SHOW DATABASES,
// SHOW MEASUREMENTS, `SELECT <*|columns> FROM <measurement> [LIMIT n]`; `pretty`, `epoch`). Any other
// statement is answered with an error naming what the stand-in runs, never ignored.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const VERSION = '1.2.4';
/** database → measurement → points ({ time: bigint ns, tags, fields }). */
const databases = new Map();

const PRECISION = { n: 1n, ns: 1n, u: 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n };

class QueryError extends Error {}

/** Splits on `sep` outside backslash escapes (and double quotes when `quotes`). */
function split(text, sep, quotes = false) {
  const parts = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[++i];
      continue;
    }
    if (quotes && c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

const unescape = (s) => s.replace(/\\(.)/g, '$1');

function fieldValue(raw, line) {
  if (/^".*"$/s.test(raw)) return raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (/^-?\d+i$/.test(raw)) return Number(raw.slice(0, -1));
  if (/^(t|T|true|True|TRUE)$/.test(raw)) return true;
  if (/^(f|F|false|False|FALSE)$/.test(raw)) return false;
  const n = Number(raw);
  if (raw === '' || Number.isNaN(n)) throw new QueryError(`unable to parse '${line}': invalid number`);
  return n;
}

/** One line of line protocol. */
function parsePoint(line, precision, now) {
  const parts = split(line, ' ', true).filter((p) => p !== '');
  if (parts.length < 2) throw new QueryError(`unable to parse '${line}': missing fields`);
  const [series, fieldText, stamp] = parts;
  const [measurement, ...tagPairs] = split(series, ',');
  const tags = {};
  for (const pair of tagPairs) {
    const [k, v] = split(pair, '=');
    if (!k || v === undefined) throw new QueryError(`unable to parse '${line}': missing tag value`);
    tags[unescape(k)] = unescape(v);
  }
  const fields = {};
  for (const pair of split(fieldText, ',', true)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new QueryError(`unable to parse '${line}': missing field value`);
    fields[unescape(pair.slice(0, eq))] = fieldValue(pair.slice(eq + 1), line);
  }
  if (stamp !== undefined && !/^-?\d+$/.test(stamp)) throw new QueryError(`unable to parse '${line}': bad timestamp`);
  const time = stamp !== undefined ? BigInt(stamp) * precision : now;
  return { measurement: unescape(measurement), point: { time, tags, fields } };
}

/** Server time in nanoseconds, strictly increasing so points written without timestamps stay apart. */
let last = 0n;
function nowNs() {
  const t = BigInt(Date.now()) * 1000000n + (process.hrtime.bigint() % 1000000n);
  last = t > last ? t : last + 1n;
  return last;
}

function write(params, body) {
  const db = params.get('db');
  if (!db) return [400, { error: 'database is required' }];
  if (!databases.has(db)) return [404, { error: `database not found: "${db}"` }];
  const precision = PRECISION[params.get('precision') ?? 'n'] ?? 1n;
  const measurements = databases.get(db);
  try {
    for (const line of body.split('\n').map((l) => l.trim())) {
      if (!line || line.startsWith('#')) continue;
      const { measurement, point } = parsePoint(line, precision, nowNs());
      if (!measurements.has(measurement)) measurements.set(measurement, []);
      const points = measurements.get(measurement);
      const key = JSON.stringify(Object.entries(point.tags).sort());
      const same = points.find((p) => p.time === point.time && JSON.stringify(Object.entries(p.tags).sort()) === key);
      if (same) Object.assign(same.fields, point.fields);
      else points.push(point);
    }
  } catch (e) {
    if (e instanceof QueryError) return [400, { error: e.message }];
    throw e;
  }
  return [204, undefined];
}

/** `ns` since the epoch as RFC3339 with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano). */
function rfc3339(ns) {
  const seconds = ns / 1000000000n;
  const frac = (ns % 1000000000n).toString().padStart(9, '0').replace(/0+$/, '');
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d+Z$/, '') + (frac ? `.${frac}Z` : 'Z');
}

const ident = (s) => {
  const last = split(s.trim(), '.').pop().trim();
  return /^".*"$/.test(last) ? last.slice(1, -1) : last;
};

function select(match, db, epoch) {
  if (!db) throw new QueryError('database name required');
  if (!databases.has(db)) throw new QueryError(`database not found: ${db}`);
  const name = ident(match[2]);
  const points = [...(databases.get(db).get(name) ?? [])].sort((a, b) =>
    a.time < b.time ? -1 : a.time > b.time ? 1 : 0,
  );
  if (points.length === 0) return {};
  const wanted = match[1].split(',').map((c) => ident(c));
  const keys = new Set(points.flatMap((p) => [...Object.keys(p.tags), ...Object.keys(p.fields)]));
  const columns = wanted.includes('*') ? [...keys].sort() : wanted.filter((c) => c !== 'time');
  const limit = match[3] ? Number(match[3]) : points.length;
  const divisor = epoch ? PRECISION[epoch] : undefined;
  const values = points
    .slice(0, limit)
    .map((p) => [
      divisor ? Number(p.time / divisor) : rfc3339(p.time),
      ...columns.map((c) => p.fields[c] ?? p.tags[c] ?? null),
    ]);
  return { series: [{ name, columns: ['time', ...columns], values }] };
}

function createDatabase(m) {
  if (!databases.has(ident(m[1]))) databases.set(ident(m[1]), new Map());
  return {};
}

function dropDatabase(m) {
  databases.delete(ident(m[1]));
  return {};
}

const STATEMENTS = [
  [/^CREATE\s+DATABASE\s+(\S+)(\s+WITH\s+.*)?$/i, createDatabase],
  [/^DROP\s+DATABASE\s+(\S+)$/i, dropDatabase],
  [
    /^SHOW\s+DATABASES$/i,
    () => ({ series: [{ name: 'databases', columns: ['name'], values: [...databases.keys()].map((d) => [d]) }] }),
  ],
  [
    /^SHOW\s+MEASUREMENTS$/i,
    (_m, db) => {
      if (!db) throw new QueryError('database name required');
      const names = [...(databases.get(db)?.keys() ?? [])].sort();
      return names.length
        ? { series: [{ name: 'measurements', columns: ['name'], values: names.map((n) => [n]) }] }
        : {};
    },
  ],
  [/^SELECT\s+(.+?)\s+FROM\s+(\S+)(?:\s+LIMIT\s+(\d+))?$/i, (m, db, epoch) => select(m, db, epoch)],
];

function query(params) {
  const q = params.get('q');
  if (!q) return [400, { error: 'missing required parameter "q"' }];
  const statements = split(q, ';', true)
    .map((s) => s.trim())
    .filter(Boolean);
  const parsed = statements.map((s) => STATEMENTS.map(([re, run]) => [s.match(re), run]).find(([m]) => m));
  const bad = statements.find((_s, i) => !parsed[i]);
  if (bad !== undefined)
    return [
      400,
      {
        error:
          `error parsing query: the local influxdb stand-in runs CREATE DATABASE, DROP DATABASE, SHOW DATABASES, ` +
          `SHOW MEASUREMENTS and SELECT <*|columns> FROM <measurement> [LIMIT n], not: ${bad}`,
      },
    ];
  const results = parsed.map(([m, run], i) => {
    try {
      return { statement_id: i, ...run(m, params.get('db'), params.get('epoch')) };
    } catch (e) {
      if (e instanceof QueryError) return { statement_id: i, error: e.message };
      throw e;
    }
  });
  return [200, { results }];
}

function route(req, params, body) {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/ping') return params.get('verbose') === 'true' ? [200, { version: VERSION }] : [204, undefined];
  if (path === '/query') return query(params);
  if (path === '/write') return req.method === 'POST' ? write(params, body) : [405, undefined];
  return [404, '404 page not found\n'];
}

function respond(req, res, body) {
  const params = new URL(req.url, 'http://x').searchParams;
  const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  if (form && req.method === 'POST' && !req.url.startsWith('/write'))
    for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
  const [status, payload] = route(req, params, body);
  const text =
    payload === undefined
      ? ''
      : typeof payload === 'string'
        ? payload
        : JSON.stringify(payload, null, params.get('pretty') === 'true' ? 4 : undefined);
  const id = randomUUID();
  res.writeHead(status, {
    'Content-Type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Request-Id': id,
    'X-Influxdb-Version': VERSION,
  });
  res.end(text);
  const when = new Date().toISOString();
  process.stderr.write(
    `[httpd] ${req.socket.remoteAddress} - - [${when}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${Buffer.byteLength(text)} "-" "${req.headers['user-agent'] ?? '-'}" ${id}\n`,
  );
}

function parseArgs(argv) {
  const rest = argv[0] === 'run' ? argv.slice(1) : argv;
  if (argv[0] === 'version') {
    process.stdout.write(`InfluxDB v${VERSION} (local stand-in)\n`);
    process.exit(0);
  }
  for (let i = 0; i < rest.length; i++) {
    if (['-config', '-pidfile', '-cpuprofile', '-memprofile'].includes(rest[i])) i++;
    else {
      process.stderr.write(`flag provided but not defined: ${rest[i]}\n`);
      process.exit(1);
    }
  }
}

parseArgs(process.argv.slice(2));
const address = process.env.ARGOSY_POD_IP || '127.0.0.1';
const port = Number((process.env.INFLUXDB_HTTP_BIND_ADDRESS ?? ':8086').split(':').pop()) || 8086;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.on('error', (e) => {
  process.stderr.write(`run: open server: open service: listen tcp ${address}:${port}: bind: ${e.message}\n`);
  process.exit(1);
});
server.listen(port, address, () => {
  process.stderr.write(`[I] ${new Date().toISOString()} InfluxDB starting, version ${VERSION} (local stand-in)\n`);
  process.stderr.write(`[httpd] ${new Date().toISOString()} Listening on HTTP: [::]:${port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
