import fs from 'node:fs';
import path from 'node:path';
import type { GraphQLObjectType } from 'graphql';
import { argumentsWithoutPromises, CALLS_DIRECTLY, callFieldResolversDirectly, sortResolverParamsOnce } from '../src/graphql/resolver-params';
import { createSchema } from '../src/graphql/schema';

const dir = path.dirname(require.resolve('type-graphql'));

/**
 * type-graphql re-sorted each resolver's parameter metadata on every call; the schema build
 * replaces its `getParams` so that each array is sorted once (src/graphql/resolver-params.ts).
 * That reaches type-graphql's resolvers only while they call `getParams` through the exports of
 * `resolvers/helpers.js`: this fails when an upgrade changes that, rather than the patch silently
 * doing nothing. (Every resolver test runs through the patched function.)
 */
describe("type-graphql's resolver parameters, sorted once", () => {
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

/**
 * type-graphql called every field resolver through a wrapper (resolver data, a container lookup, an
 * empty middleware chain, a parameter array); the schema build replaces its field-resolver factory
 * so that a plain one calls its method directly, and any with middleware, roles or validation keeps
 * type-graphql's wrapper.
 */
describe("type-graphql's field resolvers, called directly when nothing wraps them", () => {
  it('type-graphql still creates field resolvers through the exports of resolvers/create.js', () => {
    const generator = fs.readFileSync(path.join(dir, 'schema', 'schema-generator.js'), 'utf8');
    expect(generator).toContain('(0, create_1.createAdvancedFieldResolver)(');
    const created = fs.readFileSync(path.join(dir, 'resolvers', 'create.js'), 'utf8');
    expect(created).toMatch(/function createAdvancedFieldResolver\(fieldResolverMetadata\) \{\s*if \(fieldResolverMetadata\.kind === "external"\)/);
    expect(fs.readFileSync(path.join(dir, 'schema', 'build-context.js'), 'utf8')).toContain('this.container = new container_1.IOCContainer(');
  });

  it("calls the package table's field resolvers directly", async () => {
    const schema = await createSchema();
    const resolverOf = (type: string, field: string) => (schema.getType(type) as GraphQLObjectType).getFields()[field].resolve as unknown as Record<symbol, unknown>;
    for (const [type, field] of [
      ['Service', 'owner'],
      ['PackageItem', 'totals'],
      ['Package', 'owner'],
      ['Package', 'items'],
      ['Package', 'totals'],
    ]) {
      expect([type, field, resolverOf(type, field)[CALLS_DIRECTLY]]).toEqual([type, field, true]);
    }
    expect(callFieldResolversDirectly()).toBe(true);
  });

  it('passes root, context and arguments in order; a middleware keeps the wrapper, which runs it', async () => {
    await createSchema(); // the build settings a field resolver is created under
    const { createAdvancedFieldResolver } = require(path.join(dir, 'resolvers', 'create.js')) as {
      createAdvancedFieldResolver(metadata: unknown): ((root: unknown, args: unknown, context: unknown, info: unknown) => unknown) & Record<symbol, unknown>;
    };
    class Totals {
      line(root: unknown, context: unknown, on: unknown) {
        return { root, context, on };
      }
    }
    const params = [
      { kind: 'arg', index: 2, name: 'on', getType: () => String },
      { kind: 'root', index: 0 },
      { kind: 'context', index: 1 },
    ];
    const metadata = (middlewares: unknown[]) => ({ kind: 'external', target: Totals, methodName: 'line', params, middlewares, roles: undefined });
    const direct = createAdvancedFieldResolver(metadata([]));
    expect(direct[CALLS_DIRECTLY]).toBe(true);
    expect(direct('the item', { on: '2026-12-01' }, 'the context', {})).toEqual({ root: 'the item', context: 'the context', on: '2026-12-01' });
    const ran: string[] = [];
    const wrapped = createAdvancedFieldResolver(metadata([async (_data: unknown, next: () => Promise<unknown>) => (ran.push('middleware'), next())]));
    expect(wrapped[CALLS_DIRECTLY]).toBeUndefined();
    await expect(wrapped('the item', { on: '2026-12-01' }, 'the context', {})).resolves.toEqual({ root: 'the item', context: 'the context', on: '2026-12-01' });
    expect(ran).toEqual(['middleware']);
  });
});
