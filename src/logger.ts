/**
 * One structured JSON logger for every part of Argosy. Components receive a {@link Logger} (never a
 * global), add fixed keys with `child` (cluster, namespace, workflow, nodeId, reconcileId) and log
 * plain objects. Every record passes through {@link redact} so credentials cannot reach a log line.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

/** Keys whose values are credentials, wherever they appear in a logged object. */
const SECRET_KEY =
  /(token|password|passwd|secret|authorization|bearer|cadata|certdata|keydata|private.?key|credential)/i;
/** Values that look like credentials even under an innocent key. */
const SECRET_VALUE = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /k8s-aws-v1\.[A-Za-z0-9_-]{8,}/g,
  /-----BEGIN [A-Z ]+-----[^-]+-----END [A-Z ]+-----/g,
];

/** Returns a copy of `value` with credential-looking fields and substrings replaced by `[REDACTED]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') {
    let s = value;
    for (const re of SECRET_VALUE) s = s.replace(re, '[REDACTED]');
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message, depth + 1), cause: redact(value.cause, depth + 1) };
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && v !== '' ? '[REDACTED]' : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

export type LogSink = (line: string) => void;

/**
 * Fields that change per request and are shared by a logger and all its children (the Lambda
 * middleware sets the request id and cold-start flag here before each invocation and clears them
 * after), so loggers built once per process still say which invocation a line belongs to.
 */
export interface LogScope {
  fields: LogFields;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  fields?: LogFields;
  scope?: LogScope;
  /** Injected clock for timestamps (tests); defaults to the wall clock. */
  now?: () => Date;
}

/** Creates a JSON-lines logger. The default sink is stderr, so CLI output on stdout stays clean. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'INFO';
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  const scope = options.scope ?? { fields: {} };
  const write = (lvl: LogLevel, message: string, fields?: LogFields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record = redact({ level: lvl, time: now().toISOString(), message, ...base, ...scope.fields, ...fields });
    sink(JSON.stringify(record));
  };
  return {
    debug: (m, f) => write('DEBUG', m, f),
    info: (m, f) => write('INFO', m, f),
    warn: (m, f) => write('WARN', m, f),
    error: (m, f) => write('ERROR', m, f),
    child: (fields) => createLogger({ level, sink, now, scope, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ level: 'SILENT' });
