import type { DestinationStream } from 'pino';

/** The server's log output, line by line as it was written (pass `destination` to TestServer.start). */
export class LogCapture {
  readonly lines: string[] = [];

  readonly destination: DestinationStream = {
    write: (chunk: string) => {
      this.lines.push(...chunk.split('\n').filter((line) => line !== ''));
    },
  };

  /** Every line parsed: throws if one is not JSON. */
  entries(): Record<string, any>[] {
    return this.lines.map((line) => JSON.parse(line));
  }
}
