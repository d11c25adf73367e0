import type { Writable } from 'node:stream';

/** The client closed the connection before the export was complete: not a server error. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client went away during the export');
  }
}

export function isClientGone(error: unknown): boolean {
  // A pipeline whose destination closed early rejects with ERR_STREAM_PREMATURE_CLOSE.
  return error instanceof ClientGoneError || (error as NodeJS.ErrnoException | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
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
