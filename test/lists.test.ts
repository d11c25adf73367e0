import { randomUUID } from 'node:crypto';
import { createPackage, createService, setPackageActive, setServiceActive, updatePackage } from './support/catalog';
import { TestServer } from './support/harness';
import { listNames, listPage, listResponse, type ListName } from './support/lists';

/** The lists of the configuration screens: search, filters, totalCount and sorting, over HTTP. */

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(() => server.stop());

/** Orders two tied rows as the lists break ties: by id. */
function byId<T extends { id: string }>(rows: T[], direction: 'ASC' | 'DESC' = 'ASC'): T[] {
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));
  return direction === 'ASC' ? sorted : sorted.reverse();
}

/** A list request refused with BAD_USER_INPUT on `field`, answering no data at all. */
async function expectRefused(list: ListName, token: string, variables: Record<string, unknown>, field: string): Promise<void> {
  const response = await listResponse(server, list, token, variables);
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  expect(response.errors![0].message).toContain(field);
  expect(response.data).toBeUndefined();
}

describe('search', () => {
  let admin: string;
  const PACKAGES = [
    'Implánte Completo',
    'Mini IMPLANTE superior',
    'Limpieza',
    'Peña dental',
    'Pena fija',
    'Descuento 50% total',
    'Descuento 500 euros',
    'Descuento 50％ ancho',
    'Plan a_b',
    'Plan axb',
    'Ruta C:\\dientes',
    'Ruta C:dientes',
  ];

  beforeAll(async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    admin = chain.clinics[0].admin;
    await Promise.all(PACKAGES.map((name) => createPackage(server, admin, { name })));
    await Promise.all([
      createService(server, admin, { name: 'Corona zirconio', code: 'PRT-01' }),
      createService(server, admin, { name: 'Endodoncia', code: 'END-2' }),
      createService(server, admin, { name: 'Carilla', code: null }),
      createService(server, admin, { name: 'Ortodoncia invisible', code: 'ÓRT-9' }),
    ]);
  });

  const search = (term: string | null) => listNames(server, 'packages', admin, { filter: { search: term } });

  it('ignores case and accents, on both sides', async () => {
    const implants = ['Implánte Completo', 'Mini IMPLANTE superior'];
    expect(await search('implante')).toEqual(implants);
    expect(await search('IMPLANTE')).toEqual(implants);
    expect(await search('ImplÁnte')).toEqual(implants);
  });

  it('finds a substring in the middle of the name', async () => {
    expect(await search('plante comp')).toEqual(['Implánte Completo']);
    expect(await search('ntal')).toEqual(['Peña dental']);
  });

  it('folds ñ to n as unaccent does, so "pena" and "peña" find both', async () => {
    // Search is accent-insensitive through unaccent, which treats ñ as n with a tilde; only the
    // ordering (catalog_order) keeps ñ as a letter of its own, after n.
    expect(await search('peña')).toEqual(['Pena fija', 'Peña dental']);
    expect(await search('PENA')).toEqual(['Pena fija', 'Peña dental']);
  });

  it('takes %, _ and \\ literally, also in their fullwidth forms', async () => {
    const fifty = ['Descuento 50% total', 'Descuento 50％ ancho'].sort();
    expect((await search('50%')).sort()).toEqual(fifty);
    expect((await search('%')).sort()).toEqual(fifty);
    // unaccent folds ％ to %: still the character, never a wildcard ("Descuento 500" stays out).
    expect((await search('50％')).sort()).toEqual(fifty);
    expect(await search('a_b')).toEqual(['Plan a_b']);
    expect(await search('_')).toEqual(['Plan a_b']);
    expect(await search('a＿b')).toEqual(['Plan a_b']);
    expect(await search('C:\\d')).toEqual(['Ruta C:\\dientes']);
    expect(await search('\\')).toEqual(['Ruta C:\\dientes']);
  });

  it('trims the term; a blank or missing term filters nothing', async () => {
    expect(await search('  limpieza  ')).toEqual(['Limpieza']);
    for (const blank of [null, '', '   ']) {
      const page = await listPage(server, 'packages', admin, { filter: { search: blank } });
      expect(page.totalCount).toBe(PACKAGES.length);
      expect(page.nodes).toHaveLength(PACKAGES.length);
    }
  });

  it('answers an empty page when nothing matches', async () => {
    const page = await listPage(server, 'packages', admin, { filter: { search: 'ortodoncia' } });
    expect(page).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });

  it('accepts 100 characters and refuses 101 as BAD_USER_INPUT on search, returning nothing', async () => {
    expect(await search('x'.repeat(100))).toEqual([]);
    expect(await search(`  ${'x'.repeat(100)}  `)).toEqual([]);
    await expectRefused('packages', admin, { filter: { search: 'x'.repeat(101) } }, 'search');
    await expectRefused('services', admin, { filter: { search: 'x'.repeat(101) } }, 'search');
  });

  it('refuses a NUL character in search or family as BAD_USER_INPUT, not a database error', async () => {
    await expectRefused('packages', admin, { filter: { search: 'a\u0000b' } }, 'search');
    await expectRefused('services', admin, { filter: { search: 'a\u0000b' } }, 'search');
    await expectRefused('services', admin, { filter: { family: 'Implanto\u0000logía' } }, 'family');
  });

  it('finds services by name or by code, ignoring case and accents', async () => {
    const services = (term: string) => listNames(server, 'services', admin, { filter: { search: term } });
    expect(await services('prt-0')).toEqual(['Corona zirconio']);
    expect(await services('END')).toEqual(['Endodoncia']);
    expect(await services('ort-9')).toEqual(['Ortodoncia invisible']);
    expect(await services('donc')).toEqual(['Endodoncia', 'Ortodoncia invisible']);
    expect(await services('-')).toEqual(['Corona zirconio', 'Endodoncia', 'Ortodoncia invisible']);
    expect(await services('%')).toEqual([]);
    expect(await services(' ')).toEqual(['Carilla', 'Corona zirconio', 'Endodoncia', 'Ortodoncia invisible']);
  });
});

describe('filters: ids, status, origin, family, odontogram scope', () => {
  /** The services created below, by name. */
  let serviceIds: Record<string, string>;
  let central: string;
  let clinicAdmin: string;
  let clinicStaff: string;

  beforeAll(async () => {
    const chain = await server.provisionChain({ clinics: 2, clinicSharing: 'BETWEEN_CLINICS' });
    central = chain.central!.admin;
    clinicAdmin = chain.clinics[0].admin;
    clinicStaff = chain.clinics[0].staff;
    const other = chain.clinics[1].admin;
    const [, centralGone, , , ownGone] = await Promise.all([
      createPackage(server, central, { name: 'C activo' }),
      createPackage(server, central, { name: 'C baja' }),
      createPackage(server, central, { name: 'C privado', shared: false }),
      createPackage(server, clinicAdmin, { name: 'A activo' }),
      createPackage(server, clinicAdmin, { name: 'A baja' }),
      createPackage(server, clinicAdmin, { name: 'A privado', shared: false }),
      createPackage(server, other, { name: 'B activo' }),
      createPackage(server, other, { name: 'B privado', shared: false }),
    ]);
    await setPackageActive(server, central, centralGone.id, false);
    await setPackageActive(server, clinicAdmin, ownGone.id, false);

    const created = await Promise.all([
      createService(server, clinicAdmin, { name: 'Implante unitario', family: 'Implantología', odontogramScope: 'TOOTH' }),
      createService(server, clinicAdmin, { name: 'Implante guiado', family: 'implantologia', odontogramScope: 'ARCH' }),
      createService(server, clinicAdmin, { name: 'Cirugía', family: 'Implantología avanzada', odontogramScope: 'QUADRANT' }),
      createService(server, clinicAdmin, { name: 'Limpieza', family: null, odontogramScope: 'MOUTH' }),
      createService(server, clinicAdmin, { name: 'Blanqueo', family: 'Estética', odontogramScope: 'NONE' }),
      createService(server, central, { name: 'Revisión', family: 'IMPLANTOLOGÍA', odontogramScope: 'NONE' }),
      createService(server, central, { name: 'Oculto', family: 'Implantología', shared: false }),
      createService(server, other, { name: 'Férula', family: 'Implantología', odontogramScope: 'TOOTH' }),
      createService(server, other, { name: 'Privado', family: 'Implantología', odontogramScope: 'TOOTH', shared: false }),
    ]);
    serviceIds = Object.fromEntries(created.map((service) => [service.name, service.id]));
    await setServiceActive(server, clinicAdmin, serviceIds.Blanqueo, false);
  });

  const packages = (filter: Record<string, unknown>, token = clinicAdmin) => listNames(server, 'packages', token, { filter });
  const services = (filter: Record<string, unknown>) => listNames(server, 'services', clinicAdmin, { filter });

  it('filters packages by status: ALL (the default), ACTIVE, INACTIVE', async () => {
    const all = ['A activo', 'A baja', 'A privado', 'B activo', 'C activo', 'C baja'];
    expect(await packages({})).toEqual(all);
    expect(await packages({ status: 'ALL' })).toEqual(all);
    expect(await packages({ status: 'ACTIVE' })).toEqual(['A activo', 'A privado', 'B activo', 'C activo']);
    expect(await packages({ status: 'INACTIVE' })).toEqual(['A baja', 'C baja']);
    // Reading needs no ADMIN: staff see the same table.
    expect(await packages({ status: 'INACTIVE' }, clinicStaff)).toEqual(['A baja', 'C baja']);
  });

  it('filters packages by origin and by combinations of origins (clinics share with each other)', async () => {
    expect(await packages({ origin: ['OWN'] })).toEqual(['A activo', 'A baja', 'A privado']);
    expect(await packages({ origin: ['CENTRAL'] })).toEqual(['C activo', 'C baja']);
    expect(await packages({ origin: ['OTHER_CLINIC'] })).toEqual(['B activo']);
    expect(await packages({ origin: ['OWN', 'OTHER_CLINIC'] })).toEqual(['A activo', 'A baja', 'A privado', 'B activo']);
    expect(await packages({ origin: ['CENTRAL', 'OTHER_CLINIC'] })).toEqual(['B activo', 'C activo', 'C baja']);
    expect(await packages({ origin: ['OWN', 'CENTRAL', 'OTHER_CLINIC'] })).toEqual(await packages({}));
    // An empty list of origins matches no origin (as implemented); leaving origin out filters nothing.
    expect(await packages({ origin: [] })).toEqual([]);
    const page = await listPage(server, 'packages', clinicAdmin, { filter: { origin: ['CENTRAL', 'OTHER_CLINIC'] } });
    expect(page.edges.map((edge) => edge.node.origin)).toEqual(['OTHER_CLINIC', 'CENTRAL', 'CENTRAL']);
  });

  it('lets the central filter its clinics’ shared packages as OTHER_CLINIC', async () => {
    expect(await packages({ origin: ['OTHER_CLINIC'] }, central)).toEqual(['A activo', 'A baja', 'B activo']);
    expect(await packages({ origin: ['OWN'] }, central)).toEqual(['C activo', 'C baja', 'C privado']);
    expect(await packages({ origin: ['CENTRAL'] }, central)).toEqual([]);
  });

  it('combines status, origin and search', async () => {
    expect(await packages({ status: 'INACTIVE', origin: ['CENTRAL'] })).toEqual(['C baja']);
    expect(await packages({ status: 'ACTIVE', origin: ['OWN', 'OTHER_CLINIC'], search: 'ACTIVO' })).toEqual(['A activo', 'B activo']);
  });

  it('counts every match of the filter in totalCount, not only the page', async () => {
    const page = await listPage(server, 'packages', clinicAdmin, { filter: { status: 'ACTIVE' }, first: 1 });
    expect(page.nodes.map((node) => node.name)).toEqual(['A activo']);
    expect(page.totalCount).toBe(4);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const services = await listPage(server, 'services', clinicAdmin, { filter: { family: 'implantología' }, first: 2 });
    expect(services.nodes).toHaveLength(2);
    expect(services.totalCount).toBe(4);
  });

  it('shows no other clinic’s packages when clinics do not share (CENTRAL_ONLY)', async () => {
    const chain = await server.provisionChain({ clinics: 2 });
    await createPackage(server, chain.clinics[1].admin, { name: 'Compartido por otra' });
    await createPackage(server, chain.central!.admin, { name: 'De la central' });
    expect(await packages({ origin: ['OTHER_CLINIC'] }, chain.clinics[0].admin)).toEqual([]);
    expect(await packages({}, chain.clinics[0].admin)).toEqual(['De la central']);
    expect(await packages({ origin: ['OTHER_CLINIC'] }, chain.central!.admin)).toEqual([]);
  });

  it('filters services by status and origin', async () => {
    expect(await services({ status: 'INACTIVE' })).toEqual(['Blanqueo']);
    expect(await services({ status: 'ACTIVE', origin: ['OWN'] })).toEqual(['Cirugía', 'Implante guiado', 'Implante unitario', 'Limpieza']);
    expect(await services({ origin: ['CENTRAL'] })).toEqual(['Revisión']);
    expect(await services({ origin: ['OTHER_CLINIC'] })).toEqual(['Férula']);
  });

  it('filters services by family: the whole family, trimmed, ignoring case and accents', async () => {
    const implantology = ['Férula', 'Implante guiado', 'Implante unitario', 'Revisión'];
    expect(await services({ family: 'implantología' })).toEqual(implantology);
    expect(await services({ family: '  IMPLANTOLOGIA ' })).toEqual(implantology);
    // Equality, not a substring: "Implantología avanzada" is another family.
    expect(await services({ family: 'implanto' })).toEqual([]);
    expect(await services({ family: 'Implantología avanzada' })).toEqual(['Cirugía']);
    // A blank family filters nothing.
    expect(await services({ family: '  ' })).toEqual(await services({}));
    expect(await services({})).toHaveLength(7);
  });

  it('filters services by a list of odontogram scopes', async () => {
    expect(await services({ odontogramScope: ['TOOTH'] })).toEqual(['Férula', 'Implante unitario']);
    expect(await services({ odontogramScope: ['TOOTH', 'ARCH'] })).toEqual(['Férula', 'Implante guiado', 'Implante unitario']);
    expect(await services({ odontogramScope: ['NONE'] })).toEqual(['Blanqueo', 'Revisión']);
    expect(await services({ odontogramScope: [] })).toEqual([]);
    expect(await services({ odontogramScope: ['TOOTH'], family: 'implantologia', origin: ['OWN'] })).toEqual(['Implante unitario']);
  });

  describe('services by ids', () => {
    it('lists only the services named, in the list order, intersected with the other filters', async () => {
      const ids = (...names: string[]) => names.map((name) => serviceIds[name]);
      expect(await services({ ids: ids('Revisión', 'Limpieza', 'Férula') })).toEqual(['Férula', 'Limpieza', 'Revisión']);
      expect(await services({ ids: ids('Revisión', 'Limpieza', 'Férula'), origin: ['OWN', 'CENTRAL'] })).toEqual(['Limpieza', 'Revisión']);
      expect(await services({ ids: ids('Blanqueo', 'Limpieza'), status: 'ACTIVE' })).toEqual(['Limpieza']);
      expect(await services({ ids: ids('Implante unitario', 'Cirugía'), search: 'implante' })).toEqual(['Implante unitario']);
      // Repeated ids count once; totalCount counts the intersection.
      const page = await listPage(server, 'services', clinicAdmin, { filter: { ids: ids('Limpieza', 'Limpieza', 'Cirugía') }, first: 1 });
      expect(page.nodes.map((node) => node.name)).toEqual(['Cirugía']);
      expect(page.totalCount).toBe(2);
      expect(page.pageInfo.hasNextPage).toBe(true);
    });

    it('matches nothing for ids the viewer does not see, ids of no service and an empty list', async () => {
      // "Oculto" is the central's private service, "Privado" another clinic's: as unknown as a random id.
      expect(await services({ ids: [serviceIds.Oculto, serviceIds.Privado] })).toEqual([]);
      expect(await services({ ids: [randomUUID(), 'not-an-id', ''] })).toEqual([]);
      expect(await services({ ids: [] })).toEqual([]);
      expect(await services({ ids: [serviceIds.Oculto, serviceIds.Limpieza] })).toEqual(['Limpieza']);
      expect((await listPage(server, 'services', clinicAdmin, { filter: { ids: [serviceIds.Privado] } })).totalCount).toBe(0);
      // null filters nothing.
      expect(await services({ ids: null })).toEqual(await services({}));
    });

    it('accepts 100 ids and refuses 101 as BAD_USER_INPUT on ids, returning nothing', async () => {
      const hundred = [serviceIds.Limpieza, ...Array.from({ length: 99 }, () => randomUUID())];
      expect(await services({ ids: hundred })).toEqual(['Limpieza']);
      await expectRefused('services', clinicAdmin, { filter: { ids: [...hundred, randomUUID()] } }, 'ids');
    });
  });
});

describe('sorting', () => {
  let admin: string;
  /** The clinic's, created one after another in this order (so creation order is not name order). */
  const NAMES = ['Oso', 'Ñu', 'Nube', 'Azul', 'penz', 'ábaco', 'pena', 'Árbol', 'arce', 'Coral'];
  let created: { id: string; name: string }[];
  let centralCoral: { id: string; name: string };

  beforeAll(async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    admin = chain.clinics[0].admin;
    created = [];
    for (const name of NAMES) created.push(await createPackage(server, admin, { name }));
    // Names are unique per owner, folded as search folds them (so "peña" would clash with "pena"):
    // the central owns "peña", and its "CORAL" ties with the clinic's "Coral".
    created.push(await createPackage(server, chain.central!.admin, { name: 'peña' }));
    centralCoral = await createPackage(server, chain.central!.admin, { name: 'CORAL' });
  });

  const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
  const packages = async (field: string, direction?: 'ASC' | 'DESC') =>
    (await listPage(server, 'packages', admin, { orderBy: { field, direction } })).nodes;

  it('sorts by name ignoring case and accents, with ñ after n, ties by id (the default)', async () => {
    const coral = created.find((row) => row.name === 'Coral')!;
    const expected = ['ábaco', 'Árbol', 'arce', 'Azul', ...byId([coral, centralCoral]).map((row) => row.name), 'Nube', 'Ñu', 'Oso', 'pena', 'penz', 'peña'];
    expect(await listNames(server, 'packages', admin)).toEqual(expected);
    expect((await packages('NAME', 'ASC')).map((row) => row.name)).toEqual(expected);
    // DESC is the exact reverse, ties included.
    expect((await packages('NAME', 'DESC')).map((row) => row.name)).toEqual([...expected].reverse());
    expect(ids(await packages('NAME', 'DESC'))).toEqual(ids(await packages('NAME')).reverse());
  });

  it('sorts packages by creation and by last change', async () => {
    const byCreation = [...ids(created), centralCoral.id];
    expect(ids(await packages('CREATED_AT'))).toEqual(byCreation);
    expect(ids(await packages('CREATED_AT', 'DESC'))).toEqual([...byCreation].reverse());
    expect(ids(await packages('UPDATED_AT'))).toEqual(byCreation);

    const changed = await updatePackage(server, admin, created[0].id, { description: 'Cambiado' });
    const byChange = [...byCreation.filter((id) => id !== changed.id), changed.id];
    expect(ids(await packages('UPDATED_AT'))).toEqual(byChange);
    expect(ids(await packages('UPDATED_AT', 'DESC'))).toEqual([...byChange].reverse());
    expect(ids(await packages('CREATED_AT'))).toEqual(byCreation);
  });

  it('sorts services by name, code (no code sorts as empty), price (as numbers) and creation, ties by id', async () => {
    const chain = await server.provisionChain({ clinics: 1 });
    const token = chain.clinics[0].admin;
    const services: { id: string; name: string }[] = [];
    for (const overrides of [
      { name: 'Zeta', code: 'b-2', price: '10.00' },
      { name: 'Alfa', code: null, price: '9.50' },
      { name: 'Beta', code: 'á-3', price: '100.00' },
      { name: 'Gamma', code: 'a-1', price: '9.50' },
      { name: 'Delta', code: null, price: '0.00' },
    ]) {
      services.push(await createService(server, token, overrides));
    }
    const [zeta, alfa, beta, gamma, delta] = services;
    const list = async (field: string, direction: 'ASC' | 'DESC' = 'ASC') =>
      ids((await listPage(server, 'services', token, { orderBy: { field, direction } })).nodes);

    expect(await list('NAME')).toEqual(ids([alfa, beta, delta, gamma, zeta]));
    const byCode = ids([...byId([alfa, delta]), gamma, beta, zeta]);
    expect(await list('CODE')).toEqual(byCode);
    expect(await list('CODE', 'DESC')).toEqual([...byCode].reverse());
    const byPrice = ids([delta, ...byId([alfa, gamma]), zeta, beta]);
    expect(await list('PRICE')).toEqual(byPrice);
    expect(await list('PRICE', 'DESC')).toEqual([...byPrice].reverse());
    expect(await list('CREATED_AT')).toEqual(ids(services));
    expect(await list('CREATED_AT', 'DESC')).toEqual(ids(services).reverse());
  });
});
