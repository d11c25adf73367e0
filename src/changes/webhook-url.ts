import dns from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { BadUserInputError } from '../errors';
import { plainText } from '../validation';

/**
 * Where a webhook may point (api.md "Webhooks"): http or https without credentials; in production
 * never at loopback, private, link-local, multicast or reserved addresses (unless the operator
 * allows it), checked on the addresses the host name resolves to, and the connection then goes to
 * the address that was checked (no second lookup an attacker's DNS could answer differently).
 */

export interface UrlPolicy {
  /** NODE_ENV=production and WEBHOOK_ALLOW_PRIVATE_URLS not true. */
  refusePrivate: boolean;
}

/** A URL checked for delivery: the address to connect to, pinned. */
export interface CheckedUrl {
  url: URL;
  address: string;
  family: 4 | 6;
}

export const MAX_URL_LENGTH = 2048;

/** The URL's form, whatever the policy; answers the URL as it is stored. */
export function webhookUrl(raw: string): URL {
  // The URL parser would silently drop line breaks and turn a lone surrogate into %EF%BF%BD.
  const text = plainText('url', raw, 'line').trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadUserInputError('url', 'url must be an absolute http or https URL, e.g. https://example.com/hooks/catalog');
  }
  if (text.length > MAX_URL_LENGTH) throw new BadUserInputError('url', `url must be at most ${MAX_URL_LENGTH} characters`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadUserInputError('url', 'url must use http or https');
  if (url.username || url.password) throw new BadUserInputError('url', 'url must not carry credentials (user:password@)');
  if (!url.hostname) throw new BadUserInputError('url', 'url must name a host');
  return url;
}

/** Only ordinary public unicast addresses; IPv4-mapped IPv6 is judged as the IPv4 address it carries. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/**
 * Resolves the URL's host and checks every address it names; BAD_USER_INPUT on `url` when one is
 * refused or none is found. URL parsing has already turned numeric spellings ("0x7f.1",
 * "2130706433") into dotted addresses.
 */
export async function checkUrl(url: URL, policy: UrlPolicy): Promise<CheckedUrl> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (net.isIP(host)) {
    addresses = [{ address: host, family: net.isIP(host) }];
  } else {
    try {
      addresses = await dns.lookup(host, { all: true, verbatim: true });
    } catch {
      throw new BadUserInputError('url', `The host ${JSON.stringify(host)} cannot be resolved`);
    }
  }
  if (addresses.length === 0) throw new BadUserInputError('url', `The host ${JSON.stringify(host)} cannot be resolved`);
  if (policy.refusePrivate && addresses.some(({ address }) => !isPublicAddress(address))) {
    throw new BadUserInputError('url', 'url must not point at a loopback, private, link-local, multicast or reserved address');
  }
  return { url, address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}
