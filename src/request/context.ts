import type { DataSource } from 'typeorm';
import { verifyBearer } from '../auth/token';
import type { Config } from '../config';
import { RequestTransaction } from './request-transaction';
import { UnauthenticatedError } from '../errors';
import type { Logger } from '../logger';
import { todayIn } from '../pricing/price-source';
import { enterTenant, tenantExists } from '../tenancy/tenancy.store';
import { requireTenant, type Viewer } from '../tenancy/viewer';
import { createLoaders, type Loaders } from './loaders';
import { Repositories } from './repositories';

/** What every resolver gets: who asks, the request's transaction, its repositories and its DataLoaders. */
export interface RequestContext {
  requestId: string;
  viewer: Viewer;
  tx: RequestTransaction;
  repositories: Repositories;
  loaders: Loaders;
  log: Logger;
  /** The process's settings (webhook URL rules depend on them). */
  config: Config;
  /**
   * Today in the organization's time zone ("YYYY-MM-DD"), read once per request: every pricing of
   * the request is for that day unless it names one, even one running across midnight.
   * FORBIDDEN, as `requireTenant`, for a viewer without a tenant.
   */
  today(): string;
}

export interface AppDependencies {
  config: Config;
  dataSource: DataSource;
  log: Logger;
}

/**
 * The one place a request becomes a context: verify the token, open the transaction, resolve the
 * tenant from the database (the organization is never taken from the token), narrow the
 * transaction to that organization and build the request's loaders. The caller commits.
 */
export async function createRequestContext(
  deps: AppDependencies,
  authorization: string | undefined,
  requestId: string,
  log: Logger,
): Promise<RequestContext> {
  const claims = await verifyBearer(authorization, deps.config);
  const platformAdmin = claims.roles.includes('PLATFORM_ADMIN');
  // Only a platform administrator's transaction opens the tenancy registry.
  const tx = await RequestTransaction.begin(deps.dataSource, deps.config, { platform: platformAdmin });
  try {
    let viewer: Viewer;
    if (platformAdmin) {
      // A platform administrator acts for no tenant, but a tid on its token must still name one.
      if (claims.tenantId !== null && !(await tenantExists(tx, claims.tenantId))) {
        throw new UnauthenticatedError('The token names no known tenant');
      }
      viewer = { userId: claims.userId, roles: claims.roles, scope: null };
    } else {
      const scope = await enterTenant(tx, claims.tenantId!);
      if (!scope) throw new UnauthenticatedError('The token names no known tenant');
      viewer = { userId: claims.userId, roles: claims.roles, scope };
    }
    const repositories = new Repositories(tx, viewer);
    let today: string | undefined;
    return {
      requestId,
      viewer,
      tx,
      repositories,
      loaders: createLoaders(repositories, viewer),
      log,
      config: deps.config,
      today: () => (today ??= todayIn(requireTenant(viewer).timeZone)),
    };
  } catch (error) {
    await tx.rollback();
    throw error;
  }
}
