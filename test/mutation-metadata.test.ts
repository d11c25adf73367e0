import { getMetadataStorage } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { Atomic } from '../src/graphql/atomic';
import { GATES } from '../src/graphql/auth-checker';
import { createSchema, RESOLVERS } from '../src/graphql/schema';

/**
 * What type-graphql built the schema from (its metadata storage, filled by the decorators and
 * completed by buildSchema): every mutation runs in its own savepoint (the Atomic middleware,
 * graphql/atomic.ts) and declares one role gate (@Authorized, graphql/auth-checker.ts).
 */
describe('mutations as declared', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await createSchema();
  });

  // The storage is global: when test files share a process (jest --runInBand), each registers its
  // own copy of the resolver classes; the schema is built from this file's (RESOLVERS).
  const resolvers = new Set<Function>(RESOLVERS);
  const mutations = () => getMetadataStorage().mutations.filter((mutation) => resolvers.has(mutation.target));
  const names = () => mutations().map((mutation) => mutation.schemaName);

  it('the metadata holds every mutation of the schema, and only those', () => {
    expect([...names()].sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
    expect(names().length).toBeGreaterThanOrEqual(21);
  });

  it('every mutation runs in its own savepoint: Atomic is among its middlewares, once', () => {
    const without = mutations()
      .filter((mutation) => (mutation.middlewares ?? []).filter((middleware) => middleware === Atomic).length !== 1)
      .map((mutation) => mutation.schemaName);
    expect(without).toEqual([]);
  });

  it('every mutation declares exactly one known role gate', () => {
    const gates = Object.fromEntries(mutations().map((mutation) => [mutation.schemaName, mutation.roles]));
    const wrong = Object.entries(gates).filter(([, roles]) => !Array.isArray(roles) || roles.length !== 1 || !(roles[0] in GATES));
    expect(wrong).toEqual([]);
  });

  it('gates sit on mutations only: a simple field of an object type would skip the auth checker', () => {
    const storage = getMetadataStorage();
    const mutationMethods = new Set(mutations().map((mutation) => `${mutation.target.name}.${mutation.methodName}`));
    const elsewhere = storage.authorizedFields
      .map((field) => `${field.target.name}.${field.fieldName}`)
      .filter((field) => !mutationMethods.has(field));
    expect(elsewhere).toEqual([]);
    expect(storage.authorizedResolver).toEqual([]);
  });

  it('the gates are what the mutations say of their callers', () => {
    const gateOf = Object.fromEntries(mutations().map((mutation) => [mutation.schemaName, mutation.roles![0]]));
    // Creating rows of the viewer's tenant, and webhooks: an ADMIN acting for a tenant.
    for (const name of ['createService', 'createPackage', 'duplicatePackage', 'createPriceList', 'createWebhook', 'setWebhookActive', 'deleteWebhook']) {
      expect([name, gateOf[name]]).toEqual([name, 'TENANT_ADMIN']);
    }
    // Provisioning: platform administrators.
    for (const name of ['provisionOrganization', 'addClinic']) expect([name, gateOf[name]]).toEqual([name, 'PLATFORM_ADMIN']);
    // Changing a row: any tenant user gets through, so an unseen row is NOT_FOUND for STAFF too;
    // who may change a row it sees (its owner's ADMINs, …) is tenancy/permissions.ts's to say.
    for (const name of ['updateService', 'setServiceActive', 'updatePackage', 'setPackageActive', 'addPackageItems', 'updatePackageItem', 'removePackageItem', 'updateClinicSharing', 'updatePriceList', 'setPriceListActive', 'setPriceListEntries', 'removePriceListEntries']) {
      expect([name, gateOf[name]]).toEqual([name, 'TENANT']);
    }
  });
});
