// Stand-in for busybox's nc (alpine and busybox images): `nc -l [-k] [-p PORT] [-s ADDR] [-e PROG [ARGS]]`
// listens at the pod's address (ARGOSY_POD_IP, the pod's own loopback IP locally) and, with -e, runs PROG
// for each connection with the connection as its stdin and stdout (-k: keep listening after the first);
// without -e it copies one connection to stdout. `nc [-w SECS] [-z] HOST PORT` connects (localhost is the
// pod's address, where its containers listen) and copies stdin to the connection and the connection to
// stdout; -z only checks that the port accepts. Other options are refused with busybox's usage line, so a
// script that needs more fails visibly rather than doing something else.
import { createConnection, createServer } from 'node:net';
import { spawn } from 'node:child_process';

const USAGE = 'Usage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n';
const own = process.env.ARGOSY_POD_IP || '127.0.0.1';

function parse(argv) {
  const o = { listen: false, keep: false, zero: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-e') {
      o.exec = argv.slice(i + 1);
      break;
    }
    if (/^-[lkz]+$/.test(a)) {
      for (const f of a.slice(1)) o[{ l: 'listen', k: 'keep', z: 'zero' }[f]] = true;
    } else if (a === '-p' || a === '-s' || a === '-w') {
      o[a.slice(1)] = argv[++i];
    } else if (a.startsWith('-')) {
      process.stderr.write(`nc: unrecognized option '${a}'\n${USAGE}`);
      process.exit(1);
    } else o.rest.push(a);
  }
  return o;
}

function serve(o) {
  const port = Number(o.p ?? o.rest[1] ?? o.rest[0]);
  if (!Number.isInteger(port)) {
    process.stderr.write(USAGE);
    process.exit(1);
  }
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    if (!o.keep) server.close();
    if (!o.exec || o.exec.length === 0) {
      socket.pipe(process.stdout);
      process.stdin.pipe(socket);
      return;
    }
    const child = spawn(o.exec[0], o.exec.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    socket.pipe(child.stdin).on('error', () => undefined);
    child.stdout.pipe(socket);
    child.on('exit', () => socket.end());
    socket.on('error', () => child.kill());
  });
  server.on('error', (e) => {
    process.stderr.write(`nc: bind: ${e.code === 'EADDRINUSE' ? 'Address in use' : e.message}\n`);
    process.exit(1);
  });
  server.listen(port, o.s && o.s !== '0.0.0.0' ? o.s : own);
}

function connect(o) {
  const [host, portText] = o.rest;
  const port = Number(portText);
  if (!host || !Number.isInteger(port)) {
    process.stderr.write(USAGE);
    process.exit(1);
  }
  const target = host === 'localhost' || host === '127.0.0.1' ? own : host;
  const socket = createConnection({ host: target, port, allowHalfOpen: true });
  if (o.w) socket.setTimeout(Number(o.w) * 1000, () => socket.destroy(new Error('timed out')));
  socket.on('error', (e) => {
    if (!o.zero)
      process.stderr.write(
        `nc: can't connect to remote host (${target}): ${e.code === 'ECONNREFUSED' ? 'Connection refused' : e.message}\n`,
      );
    process.exit(1);
  });
  socket.on('connect', () => {
    if (o.zero) {
      socket.end();
      process.exit(0);
    }
    process.stdin.pipe(socket);
    socket.pipe(process.stdout);
  });
  socket.on('close', () => process.exit(0));
}

const o = parse(process.argv.slice(2));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(sig === 'SIGTERM' ? 143 : 130));
if (o.listen) serve(o);
else connect(o);
