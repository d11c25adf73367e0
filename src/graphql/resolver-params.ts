import path from 'node:path';

type Param = { index: number };
type GetParams = ((params: Param[], ...rest: unknown[]) => unknown) & { sortsOnce?: true };

/**
 * type-graphql (2.0.0-rc.4) sorts a resolver's parameter metadata by position on every call of
 * the resolver (`getParams` in `resolvers/helpers.js` starts with `params.sort(…)`): on a package
 * page that is about a thousand sorts, each allocating its work area and comparator calls, for
 * arrays that never change once the schema is built (it was about 15 % of the allocation of a
 * page). This sorts each array the first time it is met and gives it a `sort` that returns it as
 * it is, so type-graphql's own code runs unchanged on an array already in order. Its resolvers call
 * `getParams` through the module's exports, so replacing that export reaches all of them.
 * `test/resolver-params.test.ts` checks that the module still has that shape.
 */
export function sortResolverParamsOnce(): boolean {
  // The package's `exports` hide its internal modules from bare specifiers; its files are still there.
  const helpersFile = path.join(path.dirname(require.resolve('type-graphql')), 'resolvers', 'helpers.js');
  const helpers = require(helpersFile) as { getParams?: GetParams };
  const original = helpers.getParams;
  if (typeof original !== 'function') return false;
  if (original.sortsOnce) return true;
  const getParams: GetParams = (params, ...rest) => {
    if (!Object.prototype.hasOwnProperty.call(params, 'sort')) {
      params.sort((a, b) => a.index - b.index);
      Object.defineProperty(params, 'sort', { value: sortedAlready });
    }
    return original(params, ...rest);
  };
  getParams.sortsOnce = true;
  helpers.getParams = getParams;
  return true;
}

function sortedAlready<T>(this: T[]): T[] {
  return this;
}
