// Stand-in for nginx in nginx images with their default configuration: HTTP on port 80 of the pod's
// address (ARGOSY_POD_IP, the pod's own loopback IP locally), the welcome page at `/`, 404 elsewhere,
// the access log on stdout in nginx's combined format, stopped by SIGTERM/SIGINT/SIGQUIT.
import { createServer } from 'node:http';

const VERSION = '1.13.12';
const PORT = 80;

const WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
</body>
</html>
`;

const notFound = (status, text) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body bgcolor="white">\r\n` +
  `<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx/${VERSION}</center>\r\n</body>\r\n</html>\r\n`;

/** nginx's `$time_local`: 07/Dec/2026:03:31:28 +0000. */
function timeLocal(d) {
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function parseArgs(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-v' || a === '-V') {
      process.stderr.write(`nginx version: nginx/${VERSION}\n`);
      process.exit(0);
    }
    if (a === '-g' || a === '-c' || a === '-p') {
      if (i + 1 >= argv.length) fail(`nginx: option "${a}" requires ${a === '-g' ? 'directives' : 'file name'}`);
      i++;
    } else if (a === '-t' || a === '-T') {
      process.stderr.write('nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n');
      process.stderr.write('nginx: configuration file /etc/nginx/nginx.conf test is successful\n');
      process.exit(0);
    } else if (a !== '-q') fail(`nginx: invalid option: "${a.replace(/^-/, '')}"`);
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function handle(req, res) {
  const path = (req.url ?? '/').split('?')[0];
  const found = (req.method === 'GET' || req.method === 'HEAD') && (path === '/' || path === '/index.html');
  const allowed = req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST';
  const status = found ? 200 : allowed ? 404 : 405;
  const body = found ? WELCOME : notFound(status, status === 404 ? 'Not Found' : 'Not Allowed');
  res.writeHead(status, {
    Server: `nginx/${VERSION}`,
    'Content-Type': 'text/html',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  const agent = req.headers['user-agent'] ?? '-';
  const line = `${req.socket.remoteAddress} - - [${timeLocal(new Date())}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${Buffer.byteLength(body)} "-" "${agent}" "-"\n`;
  process.stdout.write(line);
}

parseArgs(process.argv.slice(2));
const address = process.env.ARGOSY_POD_IP || '127.0.0.1';
const server = createServer(handle);
server.on('error', (e) => {
  const why =
    e.code === 'EADDRINUSE' ? '98: Address already in use' : e.code === 'EACCES' ? '13: Permission denied' : e.message;
  fail(`nginx: [emerg] bind() to ${address}:${PORT} failed (${why})`);
});
server.listen(PORT, address);
const stop = () => {
  server.close();
  process.exit(0);
};
for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT']) process.on(signal, stop);
