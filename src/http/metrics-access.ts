import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';

/**
 * Who may read GET /metrics (api.md): with METRICS_TOKEN set, only a bearer of that token; in
 * production without it, nobody (the route does not exist); in development, anyone.
 */
export function metricsRouteExists(config: Pick<Config, 'production' | 'metricsToken'>): boolean {
  return config.metricsToken !== undefined || !config.production;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export function metricsAuthorized(config: Pick<Config, 'metricsToken'>, authorization: string | undefined): boolean {
  if (config.metricsToken === undefined) return true;
  const match = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? '');
  // Digests of equal length, compared in constant time: the comparison tells nothing about the token.
  return match !== null && timingSafeEqual(digest(match[1]), digest(config.metricsToken));
}
