import { addItems, createPackage, createService, getPackage, getService, uniqueName } from './support/catalog';
import { chainTenants, TestServer, type Chain, type ChainTenantName } from './support/harness';

/**
 * domain.md's visibility rules, end to end: what `service(id)`, `package(id)`, the lists and the
 * items of a package show to the central, two clinics and a tenant of another organization, in
 * both sharing modes. The expectations are the tables of domain.md, written out below.
 */

type Mode = 'CENTRAL_ONLY' | 'BETWEEN_CLINICS';
type Origin = 'OWN' | 'CENTRAL' | 'OTHER_CLINIC';
type Relation = 'itself' | 'the central' | 'another clinic';

const MODES: Mode[] = ['CENTRAL_ONLY', 'BETWEEN_CLINICS'];
const TENANTS: ChainTenantName[] = ['central', 'clinicA', 'clinicB'];
const ORIGINS: Origin[] = ['OWN', 'CENTRAL', 'OTHER_CLINIC'];

/** domain.md, "Visibility": R's owner, R.shared, clinicSharing -> what V sees (null: nothing). */
const VISIBILITY_TABLE: [Relation, boolean | 'any', Mode | 'any', Origin | null][] = [
  ['itself', 'any', 'any', 'OWN'],
  ['the central', true, 'any', 'CENTRAL'],
  ['the central', false, 'any', null],
  ['another clinic', true, 'BETWEEN_CLINICS', 'OTHER_CLINIC'],
  ['another clinic', true, 'CENTRAL_ONLY', null],
  ['another clinic', false, 'any', null],
];

/** How R's owner stands to the viewer; to the central, a clinic is "another clinic" (the table's notes say so). */
function relationOf(viewer: ChainTenantName, owner: ChainTenantName): Relation {
  if (viewer === owner) return 'itself';
  return owner === 'central' ? 'the central' : 'another clinic';
}

/** The (viewer, owner) pairs of our chain that stand in a relation. */
const pairsIn = (relation: Relation) =>
  TENANTS.flatMap((viewer) => TENANTS.filter((owner) => relationOf(viewer, owner) === relation).map((owner) => [viewer, owner] as const));

/** The table's answer for one row seen by one viewer. */
function expectedOrigin(viewer: ChainTenantName, owner: ChainTenantName, shared: boolean, mode: Mode): Origin | null {
  const line = VISIBILITY_TABLE.find(
    ([relation, rowShared, rowMode]) =>
      relation === relationOf(viewer, owner) && (rowShared === 'any' || rowShared === shared) && (rowMode === 'any' || rowMode === mode),
  );
  return line![3];
}

/** The table with its "any" spelled out, one case per concrete (relation, shared, mode). */
const TABLE_CASES = VISIBILITY_TABLE.flatMap(([relation, shared, mode, origin]) =>
  (shared === 'any' ? [true, false] : [shared]).flatMap((concreteShared) =>
    (mode === 'any' ? MODES : [mode]).map((concreteMode) => ({ relation, shared: concreteShared, mode: concreteMode, origin })),
  ),
);

const rowKey = (owner: ChainTenantName, shared: boolean) => `${owner} ${shared ? 'shared' : 'unshared'}`;
const GRID_ROWS = TENANTS.flatMap((owner) => [true, false].map((shared) => ({ owner, shared, key: rowKey(owner, shared) })));

/** Prices in cents, powers of two, so a package's totals tell exactly which items were counted. */
const PRICE_CENTS: Record<string, number> = Object.fromEntries(GRID_ROWS.map((row, index) => [row.key, 100 * 2 ** index]));
const money = (cents: number) => (cents / 100).toFixed(2);

/** Services and packages of every (owner, shared), plus items on the central's and clinic A's shared packages. */
interface Grid {
  chain: Chain;
  tenants: ReturnType<typeof chainTenants>;
  services: Record<string, { id: string }>;
  packages: Record<string, { id: string }>;
  /** Items of the central's shared package, by the key of their service. */
  items: Record<string, string>;
}

const KIND_QUERIES = {
  service: {
    one: 'query($id: ID!) { found: service(id: $id) { id origin owner { id } } }',
    list: 'query($origin: [Origin!]) { list: services(first: 100, filter: { origin: $origin }) { totalCount nodes { id origin } } }',
  },
  package: {
    one: 'query($id: ID!) { found: package(id: $id) { id origin owner { id } } }',
    list: 'query($origin: [Origin!]) { list: packages(first: 100, filter: { origin: $origin }) { totalCount nodes { id origin } } }',
  },
} as const;
type Kind = keyof typeof KIND_QUERIES;

const PACKAGE_ITEMS = `query($id: ID!) {
  package(id: $id) {
    itemCount totals { subtotal tax total }
    items { id origin addedBy { id } service { id } }
    own: items(origin: [OWN]) { id }
    central: items(origin: [CENTRAL]) { id }
    otherClinic: items(origin: [OTHER_CLINIC]) { id }
    notOwn: items(origin: [CENTRAL, OTHER_CLINIC]) { id }
  }
}`;

describe('visibility: who sees which services, packages and items', () => {
  let server: TestServer;
  const grids = {} as Record<Mode, Grid>;
  let foreign: Chain;
  let foreignService: { id: string };
  let foreignPackage: { id: string };

  async function buildGrid(chain: Chain): Promise<Grid> {
    const tenants = chainTenants(chain);
    const services: Grid['services'] = {};
    const packages: Grid['packages'] = {};
    for (const { owner, shared, key } of GRID_ROWS) {
      const admin = tenants[owner].admin;
      services[key] = await createService(server, admin, { shared, price: money(PRICE_CENTS[key]), taxRate: '10.00' });
      packages[key] = await createPackage(server, admin, { shared });
    }
    // Each tenant adds its two services to the central's package; clinic A fills its own shared package.
    const items: Grid['items'] = {};
    for (const adder of TENANTS) {
      const keys = [rowKey(adder, true), rowKey(adder, false)];
      const pkg = await addItems(server, tenants[adder].admin, packages[rowKey('central', true)].id, keys.map((key) => ({ serviceId: services[key].id })));
      for (const key of keys) items[key] = pkg.items.find((item: any) => item.service.id === services[key].id).id;
    }
    await addItems(server, tenants.clinicA.admin, packages[rowKey('clinicA', true)].id, [
      { serviceId: services[rowKey('clinicA', true)].id },
      { serviceId: services[rowKey('clinicA', false)].id },
    ]);
    return { chain, tenants, services, packages, items };
  }

  beforeAll(async () => {
    server = await TestServer.start();
    grids.CENTRAL_ONLY = await buildGrid(await server.provisionChain({ clinicSharing: 'CENTRAL_ONLY' }));
    // The second chain is switched by its central's administrator once its rows exist.
    const between = await buildGrid(await server.provisionChain({ clinicSharing: 'CENTRAL_ONLY' }));
    const switched = await server.ok(
      'mutation { updateClinicSharing(mode: BETWEEN_CLINICS) { clinicSharing } }',
      {},
      between.tenants.central.admin,
    );
    expect(switched.updateClinicSharing.clinicSharing).toBe('BETWEEN_CLINICS');
    grids.BETWEEN_CLINICS = between;
    // Another organization sharing everything between its clinics, with rows of its own.
    foreign = await server.provisionChain({ clinicSharing: 'BETWEEN_CLINICS' });
    foreignService = await createService(server, foreign.central!.admin);
    foreignPackage = await createPackage(server, foreign.central!.admin);
  });
  afterAll(() => server.stop());

  /** One viewer's list of a kind, fetched once per mode (the grid does not change while the table is walked). */
  const lists = new Map<string, Promise<Map<string, Origin>>>();
  function listSeen(kind: Kind, mode: Mode, viewer: ChainTenantName, origin?: Origin[]): Promise<Map<string, Origin>> {
    const cacheKey = `${kind}/${mode}/${viewer}/${origin ?? 'all'}`;
    if (!lists.has(cacheKey)) {
      lists.set(
        cacheKey,
        server.ok(KIND_QUERIES[kind].list, { origin: origin ?? null }, grids[mode].tenants[viewer].staff).then((data) => {
          expect(data.list.totalCount).toBe(data.list.nodes.length);
          return new Map(data.list.nodes.map((node: { id: string; origin: Origin }) => [node.id, node.origin]));
        }),
      );
    }
    return lists.get(cacheKey)!;
  }

  const rowsOf = (kind: Kind, grid: Grid) => (kind === 'service' ? grid.services : grid.packages);

  describe.each<Kind>(['service', 'package'])('%s rows', (kind) => {
    it.each(TABLE_CASES)('owner $relation, shared $shared, $mode: $origin', async ({ relation, shared, mode, origin }) => {
      const grid = grids[mode];
      for (const [viewer, owner] of pairsIn(relation)) {
        const row = rowsOf(kind, grid)[rowKey(owner, shared)];
        const one = await server.ok(KIND_QUERIES[kind].one, { id: row.id }, grid.tenants[viewer].staff);
        expect([viewer, one.found]).toEqual([viewer, origin ? { id: row.id, origin, owner: { id: grid.tenants[owner].id } } : null]);
        expect([viewer, (await listSeen(kind, mode, viewer)).get(row.id) ?? null]).toEqual([viewer, origin]);
      }
    });

    it.each(MODES.flatMap((mode) => TENANTS.map((viewer) => ({ mode, viewer }))))(
      '$mode: the lists of $viewer hold exactly the rows the table lets it see, and the origin filter splits them',
      async ({ mode, viewer }) => {
        const grid = grids[mode];
        const expected = new Map(
          GRID_ROWS.flatMap(({ owner, shared, key }) => {
            const origin = expectedOrigin(viewer, owner, shared, mode);
            return origin ? [[rowsOf(kind, grid)[key].id, origin] as const] : [];
          }),
        );
        expect(await listSeen(kind, mode, viewer)).toEqual(expected);
        for (const origin of ORIGINS) {
          const filtered = [...expected].filter(([, rowOrigin]) => rowOrigin === origin);
          expect(await listSeen(kind, mode, viewer, [origin])).toEqual(new Map(filtered));
        }
      },
    );

    it.each(MODES)('%s: a tenant of another organization sees none of these rows, only its own', async (mode) => {
      const own = kind === 'service' ? foreignService : foreignPackage;
      for (const token of [foreign.central!.staff, foreign.clinics[0].admin]) {
        for (const { key } of GRID_ROWS) {
          const one = await server.ok(KIND_QUERIES[kind].one, { id: rowsOf(kind, grids[mode])[key].id }, token);
          expect([key, one.found]).toEqual([key, null]);
        }
        const list = await server.ok(KIND_QUERIES[kind].list, { origin: null }, token);
        expect(list.list.nodes.map((node: { id: string }) => node.id)).toEqual([own.id]);
      }
    });
  });

  /**
   * domain.md: an item I (added by A to P owned by O) is seen by V when V sees P, V sees I's service,
   * and (A = V, or A = O, or BETWEEN_CLINICS). Items are named by their service; listed oldest first.
   */
  const ITEMS_TABLE: [Mode, ChainTenantName, string, [string, Origin][] | null][] = [
    ['CENTRAL_ONLY', 'central', 'central shared', [['central shared', 'OWN'], ['central unshared', 'OWN']]],
    ['CENTRAL_ONLY', 'clinicA', 'central shared', [['central shared', 'CENTRAL'], ['clinicA shared', 'OWN'], ['clinicA unshared', 'OWN']]],
    ['CENTRAL_ONLY', 'clinicB', 'central shared', [['central shared', 'CENTRAL'], ['clinicB shared', 'OWN'], ['clinicB unshared', 'OWN']]],
    ['CENTRAL_ONLY', 'central', 'clinicA shared', null],
    ['CENTRAL_ONLY', 'clinicA', 'clinicA shared', [['clinicA shared', 'OWN'], ['clinicA unshared', 'OWN']]],
    ['CENTRAL_ONLY', 'clinicB', 'clinicA shared', null],
    [
      'BETWEEN_CLINICS',
      'central',
      'central shared',
      [['central shared', 'OWN'], ['central unshared', 'OWN'], ['clinicA shared', 'OTHER_CLINIC'], ['clinicB shared', 'OTHER_CLINIC']],
    ],
    [
      'BETWEEN_CLINICS',
      'clinicA',
      'central shared',
      [['central shared', 'CENTRAL'], ['clinicA shared', 'OWN'], ['clinicA unshared', 'OWN'], ['clinicB shared', 'OTHER_CLINIC']],
    ],
    [
      'BETWEEN_CLINICS',
      'clinicB',
      'central shared',
      [['central shared', 'CENTRAL'], ['clinicA shared', 'OTHER_CLINIC'], ['clinicB shared', 'OWN'], ['clinicB unshared', 'OWN']],
    ],
    ['BETWEEN_CLINICS', 'central', 'clinicA shared', [['clinicA shared', 'OTHER_CLINIC']]],
    ['BETWEEN_CLINICS', 'clinicA', 'clinicA shared', [['clinicA shared', 'OWN'], ['clinicA unshared', 'OWN']]],
    ['BETWEEN_CLINICS', 'clinicB', 'clinicA shared', [['clinicA shared', 'OTHER_CLINIC']]],
  ];

  it.each(ITEMS_TABLE)('%s: %s on the "%s" package sees %j', async (mode, viewer, packageKey, expected) => {
    const grid = grids[mode];
    const { package: seen } = await server.ok(PACKAGE_ITEMS, { id: grid.packages[packageKey].id }, grid.tenants[viewer].staff);
    if (expected === null) {
      expect(seen).toBeNull();
      return;
    }
    const adderOf = (serviceKey: string) => grid.tenants[serviceKey.split(' ')[0] as ChainTenantName].id;
    expect(seen.items.map((item: any) => [item.service.id, item.addedBy.id, item.origin])).toEqual(
      expected.map(([serviceKey, origin]) => [grid.services[serviceKey].id, adderOf(serviceKey), origin]),
    );
    expect(seen.itemCount).toBe(expected.length);
    // Totals count the items added by the package's owner or the viewer (domain.md "Money"), not
    // other clinics' additions, which are listed all the same.
    const counted = expected.filter(([serviceKey]) => [viewer, packageKey.split(' ')[0]].includes(serviceKey.split(' ')[0]));
    const cents = counted.reduce((sum, [serviceKey]) => sum + PRICE_CENTS[serviceKey], 0);
    expect(seen.totals).toEqual({ subtotal: money(cents), tax: money(cents / 10), total: money(cents + cents / 10) });
    const idsWith = (origins: Origin[]) =>
      seen.items.filter((item: any) => origins.includes(item.origin)).map((item: any) => ({ id: item.id }));
    expect(seen.own).toEqual(idsWith(['OWN']));
    expect(seen.central).toEqual(idsWith(['CENTRAL']));
    expect(seen.otherClinic).toEqual(idsWith(['OTHER_CLINIC']));
    expect(seen.notOwn).toEqual(idsWith(['CENTRAL', 'OTHER_CLINIC']));
  });

  it("BETWEEN_CLINICS: another clinic's item on a central package shows while its service is shared, and goes when it is unshared", async () => {
    const { tenants } = grids.BETWEEN_CLINICS;
    const pkg = await createPackage(server, tenants.central.admin);
    const service = await createService(server, tenants.clinicB.admin, { price: '40.00' });
    await addItems(server, tenants.clinicB.admin, pkg.id, [{ serviceId: service.id, quantity: 2 }]);
    const UNSHARE = 'mutation($id: ID!, $shared: Boolean!) { updateService(id: $id, input: { shared: $shared }) { shared } }';

    for (const viewer of [tenants.clinicA, tenants.central]) {
      const seen = await getPackage(server, viewer.staff, pkg.id);
      expect(seen.items.map((item: any) => [item.service.id, item.origin])).toEqual([[service.id, 'OTHER_CLINIC']]);
      // Listed for reference, but the addition is clinic B's to bill: not in the others' totals.
      expect([seen.itemCount, seen.totals.subtotal]).toEqual([1, '0.00']);
    }
    expect((await getPackage(server, tenants.clinicB.staff, pkg.id)).totals.subtotal).toBe('80.00');
    await server.ok(UNSHARE, { id: service.id, shared: false }, tenants.clinicB.admin);
    for (const viewer of [tenants.clinicA, tenants.central]) {
      const seen = await getPackage(server, viewer.staff, pkg.id);
      expect([seen.items, seen.itemCount, seen.totals.subtotal]).toEqual([[], 0, '0.00']);
    }
    expect((await getPackage(server, tenants.clinicB.staff, pkg.id)).itemCount).toBe(1);
    await server.ok(UNSHARE, { id: service.id, shared: true }, tenants.clinicB.admin);
    expect((await getPackage(server, tenants.clinicA.staff, pkg.id)).itemCount).toBe(1);
  });

  describe('a tenant of another organization', () => {
    const MUTATIONS: [string, string, (grid: Grid) => Record<string, unknown>][] = [
      ['updateService', 'mutation($id: ID!) { updateService(id: $id, input: { name: "Robado" }) { id } }', (g) => ({ id: g.services['central shared'].id })],
      ['setServiceActive', 'mutation($id: ID!) { setServiceActive(id: $id, active: false) { id } }', (g) => ({ id: g.services['central shared'].id })],
      ['updatePackage', 'mutation($id: ID!) { updatePackage(id: $id, input: { name: "Robado" }) { id } }', (g) => ({ id: g.packages['central shared'].id })],
      ['setPackageActive', 'mutation($id: ID!) { setPackageActive(id: $id, active: false) { id } }', (g) => ({ id: g.packages['central shared'].id })],
      [
        "addPackageItems to the chain's package",
        'mutation($id: ID!, $s: ID!) { addPackageItems(packageId: $id, items: [{ serviceId: $s }]) { id } }',
        (g) => ({ id: g.packages['central shared'].id, s: foreignService.id }),
      ],
      ['updatePackageItem', 'mutation($id: ID!) { updatePackageItem(id: $id, quantity: 9) { id } }', (g) => ({ id: g.items['central shared'] })],
      ['removePackageItem', 'mutation($id: ID!) { removePackageItem(id: $id) { id } }', (g) => ({ id: g.items['clinicA shared'] })],
      ['duplicatePackage', 'mutation($id: ID!) { duplicatePackage(id: $id, name: "Copia robada") { id } }', (g) => ({ id: g.packages['central shared'].id })],
    ];

    it.each(MODES.flatMap((mode) => MUTATIONS.map(([name, query, variables]) => ({ mode, name, query, variables }))))(
      '$mode: $name by id is NOT_FOUND and changes nothing',
      async ({ mode, query, variables }) => {
        const grid = grids[mode];
        const reread = () =>
          Promise.all([
            getService(server, grid.tenants.central.admin, grid.services['central shared'].id),
            getPackage(server, grid.tenants.central.admin, grid.packages['central shared'].id),
            getPackage(server, grid.tenants.clinicA.admin, grid.packages['central shared'].id),
          ]);
        const before = await reread();
        expect(await server.errorCode(query, variables(grid), foreign.central!.admin)).toBe('NOT_FOUND');
        expect(await reread()).toEqual(before);
        const copies = await server.ok('{ packages(filter: { search: "Copia robada" }) { totalCount } }', {}, foreign.central!.admin);
        expect(copies.packages.totalCount).toBe(0);
      },
    );

    it.each(MODES)("%s: cannot put one of the chain's services into its own package (NOT_FOUND naming the item)", async (mode) => {
      const grid = grids[mode];
      const before = await getPackage(server, foreign.central!.admin, foreignPackage.id);
      const response = await server.gql(
        'mutation($id: ID!, $s: ID!) { addPackageItems(packageId: $id, items: [{ serviceId: $s }]) { id } }',
        { id: foreignPackage.id, s: grid.services['central shared'].id },
        foreign.central!.admin,
      );
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'items[0].serviceId' });
      expect(await getPackage(server, foreign.central!.admin, foreignPackage.id)).toEqual(before);

      const name = uniqueName('Ajeno');
      const created = await server.gql(
        'mutation($name: String!, $s: ID!) { createPackage(input: { name: $name, items: [{ serviceId: $s }] }) { id } }',
        { name, s: grid.services['central shared'].id },
        foreign.central!.admin,
      );
      expect(created.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'items[0].serviceId' });
      const found = await server.ok('query($s: String!) { packages(filter: { search: $s }) { totalCount } }', { s: name }, foreign.central!.admin);
      expect(found.packages.totalCount).toBe(0);
    });
  });
});
