import type { Writable } from 'node:stream';

/** The client closed the connection before the export was complete: not a server error. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client went away during the export');
  }
}

/** Node's own codes for a response closed under a writer (a pipeline, `finished`, a write). */
const CLOSED_RESPONSE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);

export function isClientGone(error: unknown): boolean {
  return error instanceof ClientGoneError || CLOSED_RESPONSE.has((error as NodeJS.ErrnoException | null)?.code ?? '');
}

/** Resolves once `out` has passed on what it holds (backpressure); rejects when the client went away. */
export async function drained(out: Writable): Promise<void> {
  while (!out.destroyed && out.writableNeedDrain) {
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.once('drain', done);
      out.once('close', done);
    });
  }
  if (out.destroyed) throw new ClientGoneError();
}
