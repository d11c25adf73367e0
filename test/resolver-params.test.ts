import fs from 'node:fs';
import path from 'node:path';
import { argumentsWithoutPromises, sortResolverParamsOnce } from '../src/graphql/resolver-params';

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

/**
 * type-graphql answered every `@Arg` through a promise, even with validation off; the schema build
 * replaces its `validateArg` so that an argument nothing validates is answered at once.
 */
describe("type-graphql's arguments, without a promise when nothing validates them", () => {
  const dir = path.dirname(require.resolve('type-graphql'));
  const validateArg = () =>
    (require(path.join(dir, 'resolvers', 'validate-arg.js')) as { validateArg(...args: unknown[]): unknown }).validateArg;

  it('type-graphql still calls validateArg through its module', () => {
    const helpers = fs.readFileSync(path.join(dir, 'resolvers', 'helpers.js'), 'utf8');
    expect(helpers).toContain('(0, validate_arg_1.validateArg)(');
  });

  it('answers an argument at once with validation off, and leaves validation to type-graphql when it is on', async () => {
    expect(argumentsWithoutPromises()).toBe(true);
    const value = { priceListId: 'x' };
    expect(validateArg()(value, Object, {}, false, undefined, undefined, undefined)).toBe(value);
    // Off for the argument itself, whatever the global setting.
    expect(validateArg()(value, Object, {}, true, false, undefined, undefined)).toBe(value);
    // A validate function, or validation on: type-graphql's own, which answers through a promise.
    const checked: unknown[] = [];
    const validateFn = async (argValue: unknown) => void checked.push(argValue);
    const answered = validateArg()(value, Object, {}, false, undefined, validateFn, undefined);
    expect(answered).toBeInstanceOf(Promise);
    await expect(answered).resolves.toBe(value);
    expect(checked).toEqual([value]);
    expect(validateArg()('a scalar', String, {}, true, undefined, undefined, undefined)).toBeInstanceOf(Promise);
    expect(argumentsWithoutPromises()).toBe(true);
  });
});
