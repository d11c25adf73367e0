import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withDatabase } from './db';

/** One request a webhook receiver got. */
export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

/** How the receiver answers a request: a status, a status after a delay, or 'hang' (never answers). */
export type Answer = number | { status: number; delayMs: number } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 that records every request. `answer` decides each reply
 * (default 200); `inFlight` counts requests still being answered, per delivery id.
 */
export class Receiver {
  readonly received: Received[] = [];
  readonly inFlight = new Map<string, number>();
  /** The most requests of one delivery id in flight at the same moment. */
  maxConcurrentPerDelivery = 0;
  answer: (request: Received, index: number) => Answer = () => 200;
  private readonly hanging = new Set<http.ServerResponse>();
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<Receiver> {
    const server = http.createServer();
    const receiver = new Receiver(server);
    server.on('request', (request, response) => receiver.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { at: Date.now(), headers: request.headers, body, json: JSON.parse(body || 'null') };
      const index = this.received.push(entry) - 1;
      const delivery = String(request.headers['x-catalog-delivery-id']);
      const current = (this.inFlight.get(delivery) ?? 0) + 1;
      this.inFlight.set(delivery, current);
      this.maxConcurrentPerDelivery = Math.max(this.maxConcurrentPerDelivery, current);
      const done = () => this.inFlight.set(delivery, (this.inFlight.get(delivery) ?? 1) - 1);
      response.on('close', done);
      const answer = this.answer(entry, index);
      if (answer === 'hang') {
        this.hanging.add(response);
        return;
      }
      const reply = (status: number) => {
        response.writeHead(status, status >= 300 && status < 400 ? { location: `${this.url}/elsewhere` } : {});
        response.end('receiver body that must never be recorded');
      };
      if (typeof answer === 'number') reply(answer);
      else setTimeout(() => reply(answer.status), answer.delayMs);
    });
  }

  /** Waits until `count` requests arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 30_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`receiver got ${this.received.length} requests, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * Removes the test webhooks (their receivers are gone), so that servers of later test files do
 * not keep retrying them and the feed-age metric reads 0 again.
 */
export function forgetWebhooks(): Promise<void> {
  return withDatabase(async (client) => {
    await client.query('DELETE FROM webhooks');
  });
}
