import type { Writable } from 'node:stream';
import type { ExportSettings } from '../config';

/** Why a download was cut off. */
export type CutReason = 'stalled' | 'too slow';

/**
 * Watches one download's response and cuts it (destroys the connection) when its client stops
 * taking data for `stallTimeoutMs` while the server has bytes waiting for it (a download paced by
 * the database or the CPU is never cut for that), or when the download is still running after
 * `maxDurationMs` (a client that keeps reading, slowly). Cutting makes the writer fail at once,
 * so the route rolls back and the pooled connection goes back to the pool.
 */
export class DownloadGuard {
  /** Set once the guard cut the download. */
  reason: CutReason | null = null;
  /** How long the client had taken nothing when it was cut off (ms). */
  stalledMs = 0;
  private readonly started = Date.now();
  private lastProgress = this.started;
  private readonly timer: NodeJS.Timeout;
  private readonly onDrain = () => {
    this.lastProgress = Date.now();
  };

  constructor(
    private readonly out: Writable,
    settings: Pick<ExportSettings, 'stallTimeoutMs' | 'maxDurationMs'>,
  ) {
    out.on('drain', this.onDrain);
    const tick = Math.max(20, Math.min(1000, Math.floor(settings.stallTimeoutMs / 4)));
    this.timer = setInterval(() => {
      if (out.destroyed || out.writableFinished) return this.stop();
      const now = Date.now();
      // Not blocked on the client: whatever is slow, it is not the client.
      if (!out.writableNeedDrain) this.lastProgress = now;
      else if (now - this.lastProgress >= settings.stallTimeoutMs) return this.cut('stalled');
      if (now - this.started >= settings.maxDurationMs) this.cut('too slow');
    }, tick);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.out.off('drain', this.onDrain);
  }

  private cut(reason: CutReason): void {
    this.reason = reason;
    this.stalledMs = this.out.writableNeedDrain ? Date.now() - this.lastProgress : 0;
    this.stop();
    this.out.destroy();
  }
}
