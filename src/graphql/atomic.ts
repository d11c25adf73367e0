import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../request/context';

/**
 * Every mutation field runs in its own savepoint: when it fails, exactly its writes are undone,
 * even when an operation holds several mutations. Loaders are cleared either way, so what follows
 * reads what is stored now, not what the mutation saw before it was undone.
 */
export const Atomic: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  try {
    return await context.tx.savepoint(context.log, next);
  } finally {
    context.loaders.clearAll();
  }
};
