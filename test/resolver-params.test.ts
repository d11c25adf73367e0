import fs from 'node:fs';
import path from 'node:path';
import { sortResolverParamsOnce } from '../src/graphql/resolver-params';

/**
 * type-graphql re-sorted each resolver's parameter metadata on every call; the schema build
 * replaces its `getParams` so that each array is sorted once (src/graphql/resolver-params.ts).
 * That reaches type-graphql's resolvers only while they call `getParams` through the exports of
 * `resolvers/helpers.js`: this fails when an upgrade changes that, rather than the patch silently
 * doing nothing. (Every resolver test runs through the patched function.)
 */
describe("type-graphql's resolver parameters, sorted once", () => {
  const dir = path.dirname(require.resolve('type-graphql'));

  it('type-graphql still calls getParams through the helpers module', () => {
    const created = fs.readFileSync(path.join(dir, 'resolvers', 'create.js'), 'utf8');
    expect(created).toContain('(0, helpers_1.getParams)(');
    const helpers = fs.readFileSync(path.join(dir, 'resolvers', 'helpers.js'), 'utf8');
    expect(helpers).toMatch(/function getParams\(params,[^)]*\) \{\s*const paramValues = params\s*\.sort\(/);
  });

  it('sorts a parameter array once and passes it on in order, every time', () => {
    expect(sortResolverParamsOnce()).toBe(true);
    const helpers = require(path.join(dir, 'resolvers', 'helpers.js')) as { getParams(params: unknown[], data: unknown): unknown[] };
    const params = [
      { kind: 'context', index: 1 },
      { kind: 'root', index: 0 },
    ];
    const data = { root: 'the root', context: 'the context', args: {}, info: {} };
    expect(helpers.getParams(params, data)).toEqual(['the root', 'the context']);
    expect(params.map((param) => param.index)).toEqual([0, 1]);
    expect(helpers.getParams(params, data)).toEqual(['the root', 'the context']);
    // Sorting again is a no-op on that array, and the patch is applied once however often it is asked.
    expect(params.sort(() => -1)).toBe(params);
    expect(params.map((param) => param.index)).toEqual([0, 1]);
    expect(sortResolverParamsOnce()).toBe(true);
  });
});
