import pino from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogFormat } from './config';

export type Logger = pino.Logger;

/**
 * The log (to stdout unless `destination` is given); credentials are redacted wherever they might
 * appear. `json`: one JSON object per line, for machines. `pretty`: one readable line per event
 * (time, level, message, then the fields), for a person running the server in a terminal.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
  };
  if (format === 'pretty') {
    // Formatted in this thread as each line is written: lines stay in order with what the process
    // prints itself (the demo tokens).
    const pretty = prettyFactory({
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      // Errors too stay on their line (the stack as an escaped string), so each event is one line.
      errorLikeObjectKeys: [],
      colorize: !destination && process.stdout.isTTY,
    });
    const out = destination ?? process.stdout;
    return pino(options, { write: (line: string) => out.write(pretty(line)) });
  }
  return destination ? pino(options, destination) : pino(options);
}
