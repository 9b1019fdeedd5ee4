/**
 * What every command receives: the global flags, the configuration, where to write, and how to
 * decorate output. Commands stay thin: parse flags, call helpers, print, return an exit code.
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.ts';
import { createLogger, type Logger, type LogLevel } from '../../logger.ts';
import type { RenderStyle } from '../render/style.ts';

/** Flags accepted by every command (before or after the command name). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  color: boolean;
  utf8: boolean;
  logLevel?: string;
}

/** Output streams; injectable so tests and embedding tools can capture. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  /**
   * Large output piece by piece, each written once the stream has taken the previous ones (a pipe's
   * reader sets the pace instead of the whole text waiting in memory); `out` for each when absent.
   */
  outChunks?: (chunks: Iterable<string>) => Promise<void>;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTTY: Boolean(process.stdout.isTTY),
  outChunks: async (chunks) => {
    // A reader that went away (EPIPE) ends the process in main.ts before a drain is awaited for ever.
    for (const chunk of chunks)
      if (!process.stdout.write(chunk)) await new Promise((drained) => process.stdout.once('drain', drained));
  },
};

export interface CliContext {
  globals: GlobalOptions;
  config: Config;
  io: Io;
  style: RenderStyle;
  logger: Logger;
}

const LEVELS = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']);

/**
 * Builds the context of one command invocation. Colours only on a terminal (argo also honours
 * `--no-color`); UTF-8 icons unless `--no-utf8` (argo keeps them when piped, so do we).
 */
export function contextOf(cmd: Command, io: Io = processIo): CliContext {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  const config = loadConfig();
  const level = (globals.logLevel ?? 'WARN').toUpperCase();
  const logger = createLogger({
    level: (LEVELS.has(level) ? level : 'WARN') as LogLevel,
    sink: (line) => io.err(line + '\n'),
  });
  return {
    globals,
    config,
    io,
    style: { color: globals.color !== false && io.isTTY, utf8: globals.utf8 !== false },
    logger,
  };
}
