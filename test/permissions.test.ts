import {
  addItems,
  createPackage,
  createService,
  getPackage,
  getService,
  ITEM_FIELDS,
  PACKAGE_FIELDS,
  SERVICE_FIELDS,
  uniqueName,
} from './support/catalog';
import { countRows } from './support/db';
import { chainTenants, TestServer, type Chain, type ChainTenantName } from './support/harness';

/**
 * domain.md's "Who may change what", line by line, with ADMIN and STAFF tokens of the central, two
 * clinics and another organization, in both sharing modes. A row the actor cannot see is
 * NOT_FOUND; one it sees but may not change is FORBIDDEN. Every refusal re-reads what it aimed at
 * and finds it unchanged, and every `viewerCan…` flag agrees with what the mutation then does.
 */

type Mode = 'CENTRAL_ONLY' | 'BETWEEN_CLINICS';
type Actor = ChainTenantName | 'foreign';
type Role = 'admin' | 'staff';
type Outcome = 'OK' | 'FORBIDDEN' | 'NOT_FOUND';

const CO: Mode = 'CENTRAL_ONLY';
const BC: Mode = 'BETWEEN_CLINICS';

/** Enough of a package to tell any change: its fields, items, flags, updatedAt and deactivatedAt. */
const PACKAGE_STATE = `${PACKAGE_FIELDS} updatedAt deactivatedAt`;
const SERVICE_STATE = `${SERVICE_FIELDS} updatedAt`;

const MUTATIONS = {
  createService: `mutation($input: CreateServiceInput!) { createService(input: $input) { ${SERVICE_FIELDS} } }`,
  createPackage: `mutation($input: CreatePackageInput!) { createPackage(input: $input) { ${PACKAGE_FIELDS} } }`,
  updateService: `mutation($id: ID!, $input: UpdateServiceInput!) { updateService(id: $id, input: $input) { ${SERVICE_FIELDS} } }`,
  setServiceActive: `mutation($id: ID!, $active: Boolean!) { setServiceActive(id: $id, active: $active) { ${SERVICE_FIELDS} } }`,
  updatePackage: `mutation($id: ID!, $input: UpdatePackageInput!) { updatePackage(id: $id, input: $input) { ${PACKAGE_FIELDS} } }`,
  setPackageActive: `mutation($id: ID!, $active: Boolean!) { setPackageActive(id: $id, active: $active) { ${PACKAGE_FIELDS} } }`,
  addPackageItems: `mutation($id: ID!, $items: [PackageItemInput!]!) { addPackageItems(packageId: $id, items: $items) { ${PACKAGE_FIELDS} } }`,
  updatePackageItem: `mutation($id: ID!, $quantity: Int!) { updatePackageItem(id: $id, quantity: $quantity) { ${ITEM_FIELDS} } }`,
  removePackageItem: `mutation($id: ID!) { removePackageItem(id: $id) { ${PACKAGE_FIELDS} } }`,
  updateClinicSharing: 'mutation($mode: ClinicSharing!) { updateClinicSharing(mode: $mode) { clinicSharing } }',
  provisionOrganization: 'mutation($input: ProvisionOrganizationInput!) { provisionOrganization(input: $input) { id name } }',
  addClinic: 'mutation($o: ID!, $name: String!) { addClinic(organizationId: $o, name: $name) { id name kind } }',
};

describe('permissions: who may change what', () => {
  let server: TestServer;
  const chains = {} as Record<Mode, Chain>;
  let foreign: Chain;

  beforeAll(async () => {
    server = await TestServer.start();
    chains.CENTRAL_ONLY = await server.provisionChain({ clinicSharing: CO });
    chains.BETWEEN_CLINICS = await server.provisionChain({ clinicSharing: BC });
    foreign = await server.provisionChain({ clinicSharing: BC });
  });
  afterAll(() => server.stop());

  function tenant(mode: Mode, actor: Actor) {
    return actor === 'foreign' ? foreign.central! : chainTenants(chains[mode])[actor];
  }

  /**
   * Runs a mutation that must end in `outcome`: its data when OK; otherwise the error code, with
   * `reread` answering the same before and after.
   */
  async function attempt(outcome: Outcome | 'BAD_USER_INPUT', reread: () => Promise<unknown>, query: string, variables: object, token: string) {
    if (outcome === 'OK') return server.ok(query, variables as Record<string, unknown>, token);
    const before = await reread();
    const response = await server.gql(query, variables as Record<string, unknown>, token);
    expect(response.errors?.[0]?.extensions?.code).toBe(outcome);
    expect(await reread()).toEqual(before);
    return response;
  }

  describe.each(['service', 'package'] as const)('create a %s: any ADMIN, owned by its tenant; STAFF is FORBIDDEN', (kind) => {
    it.each<[Actor, Role, Outcome]>([
      ['central', 'admin', 'OK'],
      ['clinicA', 'admin', 'OK'],
      ['central', 'staff', 'FORBIDDEN'],
      ['clinicA', 'staff', 'FORBIDDEN'],
    ])('%s %s: %s', async (actor, role, outcome) => {
      const { id: tenantId, admin, [role]: token } = tenant(CO, actor);
      const name = uniqueName(kind === 'service' ? 'Nuevo servicio' : 'Nuevo paquete');
      const list = kind === 'service' ? 'services' : 'packages';
      const named = () => server.ok(`query($s: String!) { list: ${list}(filter: { search: $s }) { totalCount } }`, { s: name }, admin);
      const input = kind === 'service' ? { name, price: '25.00' } : { name };
      const data = await attempt(outcome, named, kind === 'service' ? MUTATIONS.createService : MUTATIONS.createPackage, { input }, token);
      if (outcome === 'OK') {
        const created = kind === 'service' ? data.createService : data.createPackage;
        expect(created).toMatchObject({ name, origin: 'OWN', viewerCanEdit: true, owner: { id: tenantId } });
      }
      expect((await named()).list.totalCount).toBe(outcome === 'OK' ? 1 : 0);
    });
  });

  /** [who, service owner, shared, mode, actor, role, outcome] */
  const SERVICE_RULES: [string, ChainTenantName, boolean, Mode, Actor, Role, Outcome][] = [
    ["the central's ADMIN, its own service", 'central', true, CO, 'central', 'admin', 'OK'],
    ["a clinic's ADMIN, its own unshared service", 'clinicA', false, BC, 'clinicA', 'admin', 'OK'],
    ["the owner's STAFF (a clinic)", 'clinicA', true, CO, 'clinicA', 'staff', 'FORBIDDEN'],
    ["the owner's STAFF (the central)", 'central', true, BC, 'central', 'staff', 'FORBIDDEN'],
    ["a clinic's ADMIN, a shared central service it sees", 'central', true, CO, 'clinicA', 'admin', 'FORBIDDEN'],
    ["a clinic's ADMIN, an unshared central service", 'central', false, CO, 'clinicA', 'admin', 'NOT_FOUND'],
    ["the central's ADMIN, a shared clinic service it sees", 'clinicA', true, BC, 'central', 'admin', 'FORBIDDEN'],
    ["the central's ADMIN, a shared clinic service it does not see", 'clinicA', true, CO, 'central', 'admin', 'NOT_FOUND'],
    ["another clinic's ADMIN, a shared clinic service it sees", 'clinicA', true, BC, 'clinicB', 'admin', 'FORBIDDEN'],
    ["another clinic's ADMIN, a shared clinic service it does not see", 'clinicA', true, CO, 'clinicB', 'admin', 'NOT_FOUND'],
    ["another clinic's ADMIN, an unshared clinic service", 'clinicA', false, BC, 'clinicB', 'admin', 'NOT_FOUND'],
    ['an ADMIN of another organization', 'central', true, BC, 'foreign', 'admin', 'NOT_FOUND'],
  ];

  it.each(SERVICE_RULES)(
    "edit / deactivate / reactivate a service (owner's ADMIN only): %s [owner %s, shared %s, %s, %s %s] -> %s",
    async (_who, owner, shared, mode, actor, role, outcome) => {
      const ownerAdmin = tenant(mode, owner).admin;
      const token = tenant(mode, actor)[role];
      const { id } = await createService(server, ownerAdmin, { shared });
      const reread = () => getService(server, ownerAdmin, id, SERVICE_STATE);

      const flags = await server.ok('query($id: ID!) { service(id: $id) { viewerCanEdit } }', { id }, token);
      expect(flags.service).toEqual(outcome === 'NOT_FOUND' ? null : { viewerCanEdit: outcome === 'OK' });

      const name = uniqueName('Editado');
      const edited = await attempt(outcome, reread, MUTATIONS.updateService, { id, input: { name, price: '99.99', shared: !shared } }, token);
      const deactivated = await attempt(outcome, reread, MUTATIONS.setServiceActive, { id, active: false }, token);
      if (outcome !== 'OK') await server.ok(MUTATIONS.setServiceActive, { id, active: false }, ownerAdmin);
      const reactivated = await attempt(outcome, reread, MUTATIONS.setServiceActive, { id, active: true }, token);
      if (outcome === 'OK') {
        expect(edited.updateService).toMatchObject({ name, price: '99.99', shared: !shared, version: 2 });
        expect(deactivated.setServiceActive).toMatchObject({ active: false, version: 3 });
        expect(reactivated.setServiceActive).toMatchObject({ active: true, version: 4 });
      }
    },
  );

  /** [who, package owner, shared, mode, actor, role, outcome] */
  const PACKAGE_RULES: [string, ChainTenantName, boolean, Mode, Actor, Role, Outcome][] = [
    ["the central's ADMIN, its own package", 'central', true, CO, 'central', 'admin', 'OK'],
    ["a clinic's ADMIN, its own unshared package", 'clinicA', false, BC, 'clinicA', 'admin', 'OK'],
    ["the owner's STAFF (the central)", 'central', true, CO, 'central', 'staff', 'FORBIDDEN'],
    ["the owner's STAFF (a clinic)", 'clinicA', true, BC, 'clinicA', 'staff', 'FORBIDDEN'],
    ["a clinic's ADMIN, a central package it sees (never deactivates it)", 'central', true, CO, 'clinicA', 'admin', 'FORBIDDEN'],
    ["a clinic's ADMIN, a central package it sees, clinics sharing", 'central', true, BC, 'clinicB', 'admin', 'FORBIDDEN'],
    ["a clinic's ADMIN, an unshared central package", 'central', false, CO, 'clinicA', 'admin', 'NOT_FOUND'],
    ["the central's ADMIN, a shared clinic package it sees", 'clinicA', true, BC, 'central', 'admin', 'FORBIDDEN'],
    ["the central's ADMIN, a shared clinic package it does not see", 'clinicA', true, CO, 'central', 'admin', 'NOT_FOUND'],
    ["another clinic's ADMIN, a shared clinic package it sees", 'clinicA', true, BC, 'clinicB', 'admin', 'FORBIDDEN'],
    ["another clinic's ADMIN, a shared clinic package it does not see", 'clinicA', true, CO, 'clinicB', 'admin', 'NOT_FOUND'],
    ["another clinic's ADMIN, an unshared clinic package", 'clinicA', false, BC, 'clinicB', 'admin', 'NOT_FOUND'],
    ['an ADMIN of another organization', 'central', true, BC, 'foreign', 'admin', 'NOT_FOUND'],
  ];

  it.each(PACKAGE_RULES)(
    "rename, describe, share, deactivate, reactivate a package (owner's ADMIN only): %s [owner %s, shared %s, %s, %s %s] -> %s",
    async (_who, owner, shared, mode, actor, role, outcome) => {
      const ownerAdmin = tenant(mode, owner).admin;
      const token = tenant(mode, actor)[role];
      const { id } = await createPackage(server, ownerAdmin, { shared });
      const reread = () => getPackage(server, ownerAdmin, id, PACKAGE_STATE);

      const flags = await server.ok('query($id: ID!) { package(id: $id) { viewerCanEdit viewerCanDeactivate } }', { id }, token);
      const allowed = outcome === 'OK';
      expect(flags.package).toEqual(outcome === 'NOT_FOUND' ? null : { viewerCanEdit: allowed, viewerCanDeactivate: allowed });

      const name = uniqueName('Renombrado');
      const renamed = await attempt(outcome, reread, MUTATIONS.updatePackage, { id, input: { name } }, token);
      const described = await attempt(outcome, reread, MUTATIONS.updatePackage, { id, input: { description: 'Revisión anual' } }, token);
      const reshared = await attempt(outcome, reread, MUTATIONS.updatePackage, { id, input: { shared: !shared } }, token);
      const deactivated = await attempt(outcome, reread, MUTATIONS.setPackageActive, { id, active: false }, token);
      if (outcome !== 'OK') await server.ok(MUTATIONS.setPackageActive, { id, active: false }, ownerAdmin);
      const reactivated = await attempt(outcome, reread, MUTATIONS.setPackageActive, { id, active: true }, token);
      if (allowed) {
        expect(renamed.updatePackage).toMatchObject({ name, version: 2 });
        expect(described.updatePackage).toMatchObject({ name, description: 'Revisión anual', version: 3 });
        expect(reshared.updatePackage).toMatchObject({ shared: !shared, version: 4 });
        expect(deactivated.setPackageActive).toMatchObject({ active: false, version: 5 });
        expect(reactivated.setPackageActive).toMatchObject({ active: true, version: 6 });
      }
    },
  );

  it('lets the owner still edit its own deactivated package, and add to it', async () => {
    const { admin } = tenant(CO, 'central');
    const service = await createService(server, admin);
    const pkg = await createPackage(server, admin);
    await server.ok(MUTATIONS.setPackageActive, { id: pkg.id, active: false }, admin);
    const name = uniqueName('Dado de baja');
    const renamed = await server.ok(MUTATIONS.updatePackage, { id: pkg.id, input: { name } }, admin);
    expect(renamed.updatePackage).toMatchObject({ name, active: false, viewerCanEdit: true, viewerCanDeactivate: true, viewerCanAddItems: true });
    const added = await addItems(server, admin, pkg.id, [{ serviceId: service.id }]);
    expect(added).toMatchObject({ active: false, itemCount: 1 });
  });

  /** [who, package owner, shared, active, mode, actor, role, outcome] */
  const ADD_ITEM_RULES: [string, ChainTenantName, boolean, boolean, Mode, Actor, Role, Outcome][] = [
    ["the central's ADMIN, its own package", 'central', true, true, CO, 'central', 'admin', 'OK'],
    ["a clinic's ADMIN, its own unshared package", 'clinicA', false, true, BC, 'clinicA', 'admin', 'OK'],
    ["the owner's ADMIN, its own deactivated package", 'clinicA', true, false, CO, 'clinicA', 'admin', 'OK'],
    ["a clinic's ADMIN, an active central package it sees", 'central', true, true, CO, 'clinicA', 'admin', 'OK'],
    ["a clinic's ADMIN, an active central package it sees, clinics sharing", 'central', true, true, BC, 'clinicB', 'admin', 'OK'],
    ["a clinic's ADMIN, a deactivated central package", 'central', true, false, CO, 'clinicA', 'admin', 'FORBIDDEN'],
    ["a clinic's STAFF, an active central package", 'central', true, true, CO, 'clinicA', 'staff', 'FORBIDDEN'],
    ["the owner's STAFF", 'central', true, true, BC, 'central', 'staff', 'FORBIDDEN'],
    ["a clinic's ADMIN, an unshared central package", 'central', false, true, CO, 'clinicA', 'admin', 'NOT_FOUND'],
    ["another clinic's ADMIN, a shared clinic package it sees", 'clinicA', true, true, BC, 'clinicB', 'admin', 'FORBIDDEN'],
    ["another clinic's ADMIN, a shared clinic package it does not see", 'clinicA', true, true, CO, 'clinicB', 'admin', 'NOT_FOUND'],
    ["the central's ADMIN, a shared clinic package it sees", 'clinicA', true, true, BC, 'central', 'admin', 'FORBIDDEN'],
    ["the central's ADMIN, a shared clinic package it does not see", 'clinicA', true, true, CO, 'central', 'admin', 'NOT_FOUND'],
    ['an ADMIN of another organization', 'central', true, true, BC, 'foreign', 'admin', 'NOT_FOUND'],
  ];

  it.each(ADD_ITEM_RULES)(
    'add items: %s [owner %s, shared %s, active %s, %s, %s %s] -> %s',
    async (_who, owner, shared, active, mode, actor, role, outcome) => {
      const ownerAdmin = tenant(mode, owner).admin;
      const actorTenant = tenant(mode, actor);
      const token = actorTenant[role];
      const { id } = await createPackage(server, ownerAdmin, { shared });
      if (!active) await server.ok(MUTATIONS.setPackageActive, { id, active: false }, ownerAdmin);
      // A service the actor's tenant sees and that is active, so only the package decides.
      const service = await createService(server, actorTenant.admin);
      const reread = () => Promise.all([getPackage(server, ownerAdmin, id, PACKAGE_STATE), getPackage(server, actorTenant.admin, id, PACKAGE_STATE)]);

      const flags = await server.ok('query($id: ID!) { package(id: $id) { viewerCanAddItems } }', { id }, token);
      expect(flags.package).toEqual(outcome === 'NOT_FOUND' ? null : { viewerCanAddItems: outcome === 'OK' });

      const data = await attempt(outcome, reread, MUTATIONS.addPackageItems, { id, items: [{ serviceId: service.id, quantity: 2 }] }, token);
      if (outcome === 'OK') {
        // The items are the actor's own, whoever owns the package.
        expect(data.addPackageItems.owner.id).toBe(tenant(mode, owner).id);
        expect(data.addPackageItems.items).toEqual([
          expect.objectContaining({
            service: expect.objectContaining({ id: service.id }),
            quantity: 2,
            origin: 'OWN',
            viewerCanEdit: true,
            addedBy: { id: actorTenant.id },
          }),
        ]);
      }
    },
  );

  type ServiceSpec = { owner: ChainTenantName; shared: boolean; active: boolean } | null;
  /** [which service, package owner, mode, adding tenant, the service (null: an unknown id), outcome] */
  const ITEM_SERVICE_RULES: [string, ChainTenantName, Mode, ChainTenantName, ServiceSpec, Outcome | 'BAD_USER_INPUT'][] = [
    ['its own unshared service', 'clinicA', CO, 'clinicA', { owner: 'clinicA', shared: false, active: true }, 'OK'],
    ['a shared central service, on a central package', 'central', CO, 'clinicA', { owner: 'central', shared: true, active: true }, 'OK'],
    ['an unshared central service, on a central package', 'central', CO, 'clinicA', { owner: 'central', shared: false, active: true }, 'NOT_FOUND'],
    ["another clinic's shared service, clinics not sharing", 'clinicA', CO, 'clinicA', { owner: 'clinicB', shared: true, active: true }, 'NOT_FOUND'],
    ["another clinic's shared service, clinics sharing", 'clinicA', BC, 'clinicA', { owner: 'clinicB', shared: true, active: true }, 'OK'],
    ["another clinic's unshared service, clinics sharing", 'clinicA', BC, 'clinicA', { owner: 'clinicB', shared: false, active: true }, 'NOT_FOUND'],
    ["a clinic's shared service, added by the central, clinics sharing", 'central', BC, 'central', { owner: 'clinicA', shared: true, active: true }, 'OK'],
    ["a clinic's shared service, added by the central, clinics not sharing", 'central', CO, 'central', { owner: 'clinicA', shared: true, active: true }, 'NOT_FOUND'],
    ['its own deactivated service', 'clinicA', CO, 'clinicA', { owner: 'clinicA', shared: true, active: false }, 'BAD_USER_INPUT'],
    ['a deactivated shared central service, on a central package', 'central', CO, 'clinicA', { owner: 'central', shared: true, active: false }, 'BAD_USER_INPUT'],
    ['an id that names no service', 'central', CO, 'central', null, 'NOT_FOUND'],
  ];

  it.each(ITEM_SERVICE_RULES)(
    "an item's service must be visible to the adder (NOT_FOUND) and active (BAD_USER_INPUT): %s [package of %s, %s, added by %s, service %j] -> %s",
    async (_which, owner, mode, adder, serviceSpec, outcome) => {
      const adderAdmin = tenant(mode, adder).admin;
      const pkg = await createPackage(server, tenant(mode, owner).admin);
      const ownService = await createService(server, adderAdmin);
      let serviceId = '00000000-0000-4000-8000-000000000000';
      if (serviceSpec) {
        const specOwner = tenant(mode, serviceSpec.owner).admin;
        serviceId = (await createService(server, specOwner, { shared: serviceSpec.shared })).id;
        if (!serviceSpec.active) await server.ok(MUTATIONS.setServiceActive, { id: serviceId, active: false }, specOwner);
      }
      // The tested service comes second, after a valid one: the error names it, and the valid one is not added either.
      const items = [{ serviceId: ownService.id }, { serviceId }];
      const reread = () => getPackage(server, adderAdmin, pkg.id, PACKAGE_STATE);
      const added = await attempt(outcome, reread, MUTATIONS.addPackageItems, { id: pkg.id, items }, adderAdmin);

      const name = uniqueName('Con servicios');
      const named = () => server.ok('query($s: String!) { packages(filter: { search: $s }) { totalCount } }', { s: name }, adderAdmin);
      const created = await attempt(outcome, named, MUTATIONS.createPackage, { input: { name, items } }, adderAdmin);

      if (outcome === 'OK') {
        expect(added.addPackageItems.items.map((item: any) => item.service.id)).toEqual([ownService.id, serviceId]);
        expect(created.createPackage.items.map((item: any) => item.service.id)).toEqual([ownService.id, serviceId]);
      } else {
        for (const response of [added, created]) expect(response.errors[0].extensions.field).toBe('items[1].serviceId');
        if (outcome === 'BAD_USER_INPUT') expect(added.errors[0].message).toMatch(/deactivated/);
      }
    },
  );

  /** [who, package owner, adding tenant, service shared, mode, actor, role, outcome] */
  const ITEM_CHANGE_RULES: [string, ChainTenantName, ChainTenantName, boolean, Mode, Actor, Role, Outcome][] = [
    ["the central's ADMIN, its own item", 'central', 'central', true, CO, 'central', 'admin', 'OK'],
    ["a clinic's ADMIN, its own item on a central package", 'central', 'clinicA', true, CO, 'clinicA', 'admin', 'OK'],
    ["a clinic's ADMIN, its own item on its own package", 'clinicA', 'clinicA', false, BC, 'clinicA', 'admin', 'OK'],
    ["a clinic's ADMIN, a central item", 'central', 'central', true, CO, 'clinicA', 'admin', 'FORBIDDEN'],
    ["a clinic's ADMIN, a central item, clinics sharing", 'central', 'central', true, BC, 'clinicB', 'admin', 'FORBIDDEN'],
    ["a clinic's ADMIN, a central item whose service it does not see", 'central', 'central', false, CO, 'clinicA', 'admin', 'NOT_FOUND'],
    ["the central's ADMIN, a clinic's item on its package, clinics sharing", 'central', 'clinicA', true, BC, 'central', 'admin', 'FORBIDDEN'],
    ["the central's ADMIN, a clinic's item on its package, clinics not sharing", 'central', 'clinicA', true, CO, 'central', 'admin', 'NOT_FOUND'],
    ["the central's ADMIN, a clinic's item whose service is unshared", 'central', 'clinicA', false, BC, 'central', 'admin', 'NOT_FOUND'],
    ["the central's ADMIN, a clinic's item on the clinic's package", 'clinicA', 'clinicA', true, BC, 'central', 'admin', 'FORBIDDEN'],
    ["another clinic's ADMIN, clinics sharing", 'central', 'clinicA', true, BC, 'clinicB', 'admin', 'FORBIDDEN'],
    ["another clinic's ADMIN, clinics not sharing", 'central', 'clinicA', true, CO, 'clinicB', 'admin', 'NOT_FOUND'],
    ["the adder's STAFF (a clinic)", 'central', 'clinicA', true, CO, 'clinicA', 'staff', 'FORBIDDEN'],
    ["the adder's STAFF (the central)", 'central', 'central', true, CO, 'central', 'staff', 'FORBIDDEN'],
    ['an ADMIN of another organization', 'central', 'central', true, BC, 'foreign', 'admin', 'NOT_FOUND'],
  ];

  it.each(ITEM_CHANGE_RULES)(
    'change the quantity of / remove an item (the adding tenant\'s ADMIN only): %s [package of %s, added by %s, service shared %s, %s, %s %s] -> %s',
    async (_who, owner, adder, serviceShared, mode, actor, role, outcome) => {
      const adderAdmin = tenant(mode, adder).admin;
      const token = tenant(mode, actor)[role];
      const pkg = await createPackage(server, tenant(mode, owner).admin);
      const service = await createService(server, adderAdmin, { shared: serviceShared });
      const withItem = await addItems(server, adderAdmin, pkg.id, [{ serviceId: service.id, quantity: 3 }]);
      const itemId = withItem.items.find((item: any) => item.service.id === service.id).id;
      const reread = () => getPackage(server, adderAdmin, pkg.id, PACKAGE_STATE);

      const seen = await server.ok('query($id: ID!) { package(id: $id) { items { id viewerCanEdit } } }', { id: pkg.id }, token);
      const item = seen.package?.items.find((candidate: { id: string }) => candidate.id === itemId) ?? null;
      expect(item).toEqual(outcome === 'NOT_FOUND' ? null : { id: itemId, viewerCanEdit: outcome === 'OK' });

      const updated = await attempt(outcome, reread, MUTATIONS.updatePackageItem, { id: itemId, quantity: 7 }, token);
      const removed = await attempt(outcome, reread, MUTATIONS.removePackageItem, { id: itemId }, token);
      if (outcome === 'OK') {
        expect(updated.updatePackageItem).toMatchObject({ id: itemId, quantity: 7 });
        expect(removed.removePackageItem.items.map((candidate: { id: string }) => candidate.id)).not.toContain(itemId);
        expect((await reread()).items).toEqual([]);
      }
    },
  );

  it.each<[Exclude<Actor, 'foreign'>, Role, Outcome]>([
    ['central', 'admin', 'OK'],
    ['central', 'staff', 'FORBIDDEN'],
    ['clinicA', 'admin', 'FORBIDDEN'],
    ['clinicA', 'staff', 'FORBIDDEN'],
  ])("change the organization's clinicSharing (the central's ADMIN only): %s %s -> %s", async (actor, role, outcome) => {
    const chain = await server.provisionChain({ clinicSharing: CO });
    const reread = () => server.ok('{ organization { clinicSharing } }', {}, chain.clinics[1].staff);
    const data = await attempt(outcome, reread, MUTATIONS.updateClinicSharing, { mode: BC }, chainTenants(chain)[actor][role]);
    if (outcome === 'OK') expect(data.updateClinicSharing.clinicSharing).toBe(BC);
    expect((await reread()).organization.clinicSharing).toBe(outcome === 'OK' ? BC : CO);
  });

  it.each<[string, Outcome, (chain: Chain) => Promise<string>]>([
    ["the central's ADMIN", 'FORBIDDEN', async (chain) => chain.central!.admin],
    ["the central's STAFF", 'FORBIDDEN', async (chain) => chain.central!.staff],
    ["a clinic's ADMIN", 'FORBIDDEN', async (chain) => chain.clinics[0].admin],
    ["a clinic's STAFF", 'FORBIDDEN', async (chain) => chain.clinics[0].staff],
    ['a PLATFORM_ADMIN', 'OK', () => server.platformToken()],
  ])('create organizations and clinics (PLATFORM_ADMIN only): %s -> %s', async (_who, outcome, tokenOf) => {
    const chain = chains.CENTRAL_ONLY;
    const token = await tokenOf(chain);
    const name = uniqueName('Organización');
    const organizations = () => countRows('SELECT count(*) FROM organizations WHERE name = $1', [name]);
    await attempt(outcome, organizations, MUTATIONS.provisionOrganization, { input: { name, centralName: 'Central', clinicNames: ['Uno'] } }, token);
    expect(await organizations()).toBe(outcome === 'OK' ? 1 : 0);

    const clinicName = uniqueName('Clínica añadida');
    const tenants = () => server.ok('{ organization { tenants { id name kind } } }', {}, chain.central!.staff);
    const added = await attempt(outcome, tenants, MUTATIONS.addClinic, { o: chain.organization.id, name: clinicName }, token);
    if (outcome === 'OK') {
      expect(added.addClinic).toMatchObject({ name: clinicName, kind: 'CLINIC' });
      expect((await tenants()).organization.tenants).toContainEqual(added.addClinic);
    }
  });
});
