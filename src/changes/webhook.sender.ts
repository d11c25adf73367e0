import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedUrl } from './webhook-url';

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>` (api.md "Webhooks"). */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What one attempt came to: 2xx in time is delivered; anything else says what kind of failure it was. */
export type SendResult = { delivered: true; statusCode: number } | { delivered: false; statusCode: number | null; error: string };

const CONNECTION_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection reset',
};

/**
 * One POST to the address that was checked (the host name still goes in the Host header and TLS
 * SNI), within `timeoutMs` for the whole exchange. Redirects are never followed: a 3xx is a failure.
 * The receiver's body is read and dropped, never recorded.
 */
export function send(target: CheckedUrl, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        response.resume();
        response.once('end', () => {
          if (statusCode >= 200 && statusCode < 300) finish({ delivered: true, statusCode });
          else if (statusCode >= 300 && statusCode < 400) finish({ delivered: false, statusCode, error: `redirect not followed (HTTP ${statusCode})` });
          else finish({ delivered: false, statusCode, error: `HTTP ${statusCode}` });
        });
        response.once('error', () => finish({ delivered: false, statusCode, error: 'connection reset' }));
      },
    );
    const timer = setTimeout(() => finish({ delivered: false, statusCode: null, error: `timeout after ${timeoutMs} ms` }), timeoutMs);
    request.once('error', (error: NodeJS.ErrnoException) => {
      finish({ delivered: false, statusCode: null, error: CONNECTION_ERRORS[error.code ?? ''] ?? `connection failed (${error.code ?? 'error'})` });
    });
    request.end(body);
  });
}
