import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../request/context';

/**
 * Every mutation field runs in its own savepoint: when it fails, exactly its writes are undone,
 * even when an operation holds several mutations. Loaders are cleared so the answer is fresh.
 */
export const Atomic: MiddlewareFn<RequestContext> = ({ context }, next) =>
  context.tx.savepoint(async () => {
    const result = await next();
    context.loaders.clearAll();
    return result;
  });
