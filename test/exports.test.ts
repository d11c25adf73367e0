import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { SignJWT } from 'jose';
import { EXPORT_PAGE_SIZE } from '../src/exports/package-export';
import { addItems, createPackage, createService, setPackageActive, setServiceActive, uniqueName } from './support/catalog';
import { withDatabase } from './support/db';
import { TestServer, type Chain } from './support/harness';
import { LogCapture } from './support/log-capture';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const PACKAGES_PAGE = `query($filter: PackageFilter, $after: String) {
  packages(filter: $filter, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { name active origin itemCount totals { subtotal tax total } owner { name } updatedAt }
  }
}`;

interface Filter {
  search?: string;
  status?: 'ALL' | 'ACTIVE' | 'INACTIVE';
  origin?: ('OWN' | 'CENTRAL' | 'OTHER_CLINIC')[];
}

interface Download {
  status: number;
  headers: Headers;
  body: Buffer;
}

const SPANISH_HEADERS = ['Nombre', 'Estado', 'Clínica propietaria', 'Origen', 'Nº de servicios', 'Subtotal', 'Impuestos', 'Total', 'Actualizado'];
const ENGLISH_HEADERS = ['Name', 'Status', 'Owner tenant', 'Origin', 'Number of items', 'Subtotal', 'Tax', 'Total', 'Updated at'];
const SPANISH_ORIGINS: Record<string, string> = { OWN: 'Propio', CENTRAL: 'Central', OTHER_CLINIC: 'Otra clínica' };

const centralName = (chain: Chain) => chain.organization.tenants.find((tenant) => tenant.kind === 'CENTRAL')!.name;

/** The filter as the export's query string. */
function exportQuery(filter: Filter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (filter.search !== undefined) params.set('search', filter.search);
  if (filter.status !== undefined) params.set('status', filter.status);
  if (filter.origin !== undefined) params.set('origin', filter.origin.join(','));
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** CSV text without its BOM (which must be there), parsed back. */
function readCsv(download: Download, delimiter = ','): string[][] {
  expect(download.status).toBe(200);
  expect(download.body.subarray(0, 3)).toEqual(BOM);
  return parse(download.body.subarray(3).toString('utf8'), { delimiter }) as string[][];
}

async function readXlsx(download: Download): Promise<ExcelJS.Worksheet> {
  expect(download.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(download.body as unknown as ExcelJS.Buffer);
  expect(workbook.worksheets).toHaveLength(1);
  return workbook.worksheets[0];
}

describe('exports of the packages table (CSV, XLSX)', () => {
  let server: TestServer;
  let chain: Chain;
  let other: Chain;
  /** A package name with everything CSV must quote: quotes, a comma, a semicolon, a line break (stored before names refused it). */
  const trickyName = `Implante "completo", con; todo\nsegunda línea ${uniqueName('')}`;
  const formulaName = `=SUM(A1:A9) ${uniqueName('fórmula')}`;
  let sharedPackageId: string;
  const logs = new LogCapture();

  async function download(path: string, token?: string): Promise<Download> {
    const response = await fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  }

  /** What `packages` answers for the filter, every page: the reference the exports must match. */
  async function listAll(token: string, filter: Filter = {}): Promise<{ totalCount: number; nodes: any[] }> {
    const nodes: any[] = [];
    let after: string | null = null;
    let totalCount = 0;
    do {
      const { packages }: { packages: any } = await server.ok(PACKAGES_PAGE, { filter, after }, token);
      totalCount = packages.totalCount;
      nodes.push(...packages.nodes);
      after = packages.pageInfo.hasNextPage ? packages.pageInfo.endCursor : null;
    } while (after);
    return { totalCount, nodes };
  }

  /** A CSV row as the Spanish export must write the API's package. */
  function spanishRow(node: any): string[] {
    return [
      node.name,
      node.active ? 'Activo' : 'Desactivado',
      node.owner.name,
      SPANISH_ORIGINS[node.origin],
      String(node.itemCount),
      node.totals.subtotal,
      node.totals.tax,
      node.totals.total,
      node.updatedAt,
    ];
  }

  /** The name as the CSV writes it: a leading formula character gets an apostrophe. */
  const csvName = (name: string) => (/^[=+\-@]/.test(name) ? `'${name}` : name);

  beforeAll(async () => {
    server = await TestServer.start({ logLevel: 'info' }, { logDestination: logs.destination });
    chain = await server.provisionChain({ clinics: 2 });
    other = await server.provisionChain({ clinics: 1 });
    const central = chain.central!.admin;
    const [clinic1, clinic2] = chain.clinics.map((clinic) => clinic.admin);

    const cleaning = await createService(server, central, { price: '0.05', taxRate: '10.00' });
    const whitening = await createService(server, central, { price: '19.99', taxRate: '21.00' });
    const xray = await createService(server, central, { price: '35.00' });
    const sedation = await createService(server, clinic1, { price: '150.00', shared: false });
    const fluor = await createService(server, clinic2, { price: '25.00', shared: false });

    const shared = await createPackage(server, central, {
      name: uniqueName('Implante completo'),
      items: [
        { serviceId: cleaning.id, quantity: 3 },
        { serviceId: whitening.id, quantity: 1 },
        { serviceId: xray.id, quantity: 2 },
      ],
    });
    sharedPackageId = shared.id;
    // The API refuses a line break in a name now (api.md): a name stored before that rule is written behind its back.
    await withDatabase((client) => client.query('UPDATE packages SET name = $2 WHERE id = $1', [shared.id, trickyName]));
    await addItems(server, clinic1, shared.id, [{ serviceId: sedation.id }]);
    await addItems(server, clinic2, shared.id, [{ serviceId: fluor.id, quantity: 2 }]);
    // Still listed (itemCount) but left out of the totals.
    await setServiceActive(server, central, xray.id, false);

    const retired = await createPackage(server, central, { name: 'Árbol de revisión' });
    await setPackageActive(server, central, retired.id, false);
    await createPackage(server, central, { name: 'Interno de la central', shared: false });
    await createPackage(server, clinic1, { name: 'avión, pack', items: [{ serviceId: sedation.id, quantity: 2 }, { serviceId: cleaning.id }] });
    await createPackage(server, clinic1, { name: formulaName });
    await createPackage(server, clinic1, { name: 'nube ligera' });
    await createPackage(server, clinic2, { name: 'Ñandú de la clínica 2' });

    // The other organization uses the same words; none of it may show up in the first one's exports.
    const otherService = await createService(server, other.central!.admin, { price: '99.00' });
    await createPackage(server, other.central!.admin, { name: 'Árbol de revisión', items: [{ serviceId: otherService.id }] });
    await createPackage(server, other.clinics[0].admin, { name: 'avión, pack de la otra cadena' });
  });
  afterAll(() => server.stop());

  describe('refusals', () => {
    it.each(['/exports/packages.csv', '/exports/packages.xlsx'])('answers %s without a token, or with a bad one, with 401 JSON', async (path) => {
      const forged = await new SignJWT({ sub: 'u', tid: chain.clinics[0].id, roles: ['ADMIN'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret'));
      for (const token of [undefined, 'not.a.jwt', forged]) {
        const response = await download(path, token);
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(response.headers.get('content-disposition')).toBeNull();
        const body = JSON.parse(response.body.toString('utf8'));
        expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(body.errors[0].message).toEqual(expect.any(String));
      }
    });

    it.each([
      ['/exports/packages.csv?status=ENABLED', 'status'],
      ['/exports/packages.csv?status=active', 'status'],
      ['/exports/packages.csv?status=ACTIVE&status=INACTIVE', 'status'],
      ['/exports/packages.csv?origin=OWN,PARTNER', 'origin'],
      ['/exports/packages.xlsx?origin=own', 'origin'],
      ['/exports/packages.csv?lang=fr', 'lang'],
      ['/exports/packages.xlsx?lang=ES', 'lang'],
      ['/exports/packages.csv?delimiter=tab', 'delimiter'],
      ['/exports/packages.xlsx?delimiter=semicolon', 'delimiter'],
      [`/exports/packages.csv?search=${'x'.repeat(101)}`, 'search'],
      [`/exports/packages.xlsx?search=${'x'.repeat(101)}`, 'search'],
      ['/exports/packages.csv?stauts=ACTIVE', 'stauts'],
    ])('answers %s with 400 naming %s', async (path, field) => {
      const response = await download(path, chain.clinics[0].admin);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-disposition')).toBeNull();
      const [error] = JSON.parse(response.body.toString('utf8')).errors;
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(error.message).toContain(field);
    });

    it('answers a platform administrator, who sees no catalogue, with 403', async () => {
      const response = await download('/exports/packages.csv', await server.platformToken());
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body.toString('utf8')).errors[0].extensions.code).toBe('FORBIDDEN');
    });
  });

  describe('CSV', () => {
    it('is UTF-8 with a BOM, RFC 4180 quoted, CRLF-terminated, in Spanish by default', async () => {
      const response = await download('/exports/packages.csv', chain.clinics[0].admin);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="paquetes.csv"');
      const rows = readCsv(response);
      expect(rows[0]).toEqual(SPANISH_HEADERS);
      // Quotes, comma, semicolon and the line break of the name come back intact.
      expect(rows.map((row) => row[0])).toContain(trickyName);
      const text = response.body.subarray(3).toString('utf8');
      expect(text).toContain(`"Implante ""completo"", con; todo\nsegunda línea`);
      // Every record ends with CRLF; the name's own line break stays a bare LF inside its quotes.
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.split('\r\n')).toHaveLength(rows.length + 1);
    });

    it('writes a name starting with = with a leading apostrophe, so that a spreadsheet does not run it', async () => {
      const rows = readCsv(await download('/exports/packages.csv', chain.clinics[0].admin));
      expect(rows.map((row) => row[0])).toContain(`'${formulaName}`);
      expect(rows.map((row) => row[0])).not.toContain(formulaName);
    });

    it('takes delimiter=semicolon and lang=en', async () => {
      const response = await download('/exports/packages.csv?delimiter=semicolon&lang=en', chain.clinics[0].admin);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="packages.csv"');
      const rows = readCsv(response, ';');
      expect(rows[0]).toEqual(ENGLISH_HEADERS);
      const shared = rows.find((row) => row[0] === trickyName)!;
      expect(shared.slice(1, 5)).toEqual(['Active', centralName(chain), 'Central', '4']);
      const retired = rows.find((row) => row[0] === 'Árbol de revisión')!;
      expect(retired[1]).toBe('Inactive');
      expect(rows.find((row) => row[0] === 'nube ligera')![3]).toBe('Own');
      // Values never contain the delimiter unquoted: every row has the nine columns.
      expect(rows.every((row) => row.length === 9)).toBe(true);
    });

    it('writes hand-computed itemCount and totals: visible items only, deactivated services counted but not priced', async () => {
      // Clinic 1 sees the central's three items and its own sedation, not clinic 2's fluor.
      // cleaning 0.05 x 3 = 0.15, tax 0.015 -> 0.02; whitening 19.99, tax 4.1979 -> 4.20;
      // sedation 150.00, no tax; the deactivated x-ray is counted in the items only.
      const clinicRows = readCsv(await download('/exports/packages.csv', chain.clinics[0].admin));
      expect(clinicRows.find((row) => row[0] === trickyName)!.slice(4, 8)).toEqual(['4', '170.14', '4.22', '174.36']);
      // The central sees its own three items only (clinics' items are theirs).
      const centralRows = readCsv(await download('/exports/packages.csv', chain.central!.admin));
      expect(centralRows.find((row) => row[0] === trickyName)!.slice(3, 8)).toEqual(['Propio', '3', '20.14', '4.22', '24.36']);
    });

    it.each<[string, Filter]>([
      ['no filter', {}],
      ['active', { status: 'ACTIVE' }],
      ['inactive', { status: 'INACTIVE' }],
      ['all', { status: 'ALL' }],
      ['own', { origin: ['OWN'] }],
      ['central', { origin: ['CENTRAL'] }],
      ['other clinics', { origin: ['OTHER_CLINIC'] }],
      ['own and central', { origin: ['OWN', 'CENTRAL'] }],
      ['an accent-insensitive search', { search: 'AVION' }],
      ['search, status and origin together', { search: 'a', status: 'ACTIVE', origin: ['OWN', 'CENTRAL'] }],
    ])('has the rows of `packages` for %s, in its order and with its numbers', async (_label, filter) => {
      for (const token of [chain.clinics[0].admin, chain.clinics[1].admin, chain.central!.admin]) {
        const expected = await listAll(token, filter);
        const rows = readCsv(await download(`/exports/packages.csv${exportQuery(filter)}`, token));
        expect(rows).toHaveLength(expected.totalCount + 1);
        expect(rows.slice(1)).toEqual(expected.nodes.map((node) => spanishRow({ ...node, name: csvName(node.name) })));
      }
    });

    it('writes only the header when nothing matches', async () => {
      const response = await download('/exports/packages.csv?search=ningún-paquete-se-llama-así', chain.clinics[0].admin);
      expect(readCsv(response)).toEqual([SPANISH_HEADERS]);
    });

    it('lets a STAFF user export what it reads', async () => {
      const staff = readCsv(await download('/exports/packages.csv', chain.clinics[0].staff));
      const admin = readCsv(await download('/exports/packages.csv', chain.clinics[0].admin));
      expect(staff).toEqual(admin);
      expect(staff.length).toBeGreaterThan(1);
    });
  });

  describe('XLSX', () => {
    it('opens with exceljs: bold frozen header, numeric money, a date cell, one row per package', async () => {
      const token = chain.clinics[0].admin;
      const response = await download('/exports/packages.xlsx?lang=en', token);
      expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="packages.xlsx"');
      const sheet = await readXlsx(response);
      const expected = await listAll(token);
      expect(sheet.name).toBe('Packages');
      expect(sheet.rowCount).toBe(expected.totalCount + 1);
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(ENGLISH_HEADERS);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getColumn(1).width).toBeGreaterThan(20);

      expected.nodes.forEach((node, index) => {
        const row = sheet.getRow(index + 2);
        expect(row.getCell(1).value).toBe(node.name);
        expect(row.getCell(2).value).toBe(node.active ? 'Active' : 'Inactive');
        expect(row.getCell(3).value).toBe(node.owner.name);
        expect(row.getCell(5).value).toBe(node.itemCount);
        for (const [column, amount] of [[6, node.totals.subtotal], [7, node.totals.tax], [8, node.totals.total]]) {
          const cell = row.getCell(column);
          expect(cell.type).toBe(ExcelJS.ValueType.Number);
          expect((cell.value as number).toFixed(2)).toBe(amount);
          expect(cell.numFmt).toBe('0.00');
        }
        const updatedAt = row.getCell(9).value;
        expect(updatedAt).toBeInstanceOf(Date);
        // A spreadsheet date is a fraction of a day: equal to the millisecond once rounded.
        expect(Math.round((updatedAt as Date).getTime())).toBe(new Date(node.updatedAt).getTime());
      });
      // The name Excel would otherwise run as a formula is a plain text cell here.
      expect(expected.nodes.map((node) => node.name)).toContain(formulaName);
    });

    it('speaks Spanish by default and follows the filters', async () => {
      const token = chain.clinics[0].admin;
      const response = await download('/exports/packages.xlsx?status=INACTIVE', token);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="paquetes.xlsx"');
      const sheet = await readXlsx(response);
      expect(sheet.name).toBe('Paquetes');
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(SPANISH_HEADERS);
      const expected = await listAll(token, { status: 'INACTIVE' });
      expect(sheet.rowCount).toBe(expected.totalCount + 1);
      expect(sheet.getRow(2).getCell(1).value).toBe('Árbol de revisión');
      expect(sheet.getRow(2).getCell(2).value).toBe('Desactivado');
    });
  });

  it('shows one organization nothing of another', async () => {
    const mine = readCsv(await download('/exports/packages.csv', chain.clinics[0].admin)).map((row) => row[0]);
    expect(mine).not.toContain('avión, pack de la otra cadena');
    const theirs = readCsv(await download('/exports/packages.csv', other.clinics[0].admin));
    const expected = await listAll(other.clinics[0].admin);
    expect(theirs.slice(1)).toEqual(expected.nodes.map(spanishRow));
    expect(theirs.map((row) => row[0])).not.toContain(trickyName);
    // Same name, other organization: its own package with its own numbers.
    expect(theirs.find((row) => row[0] === 'Árbol de revisión')!.slice(1, 8)).toEqual([
      'Activo',
      centralName(other),
      'Central',
      '1',
      '99.00',
      '0.00',
      '99.00',
    ]);
    const sheet = await readXlsx(await download('/exports/packages.xlsx', other.clinics[0].admin));
    expect(sheet.rowCount).toBe(expected.totalCount + 1);
  });

  describe('an organization with more packages than one page', () => {
    let big: Chain;
    let packageCount = 0;

    /** Creates packages fifty per request (aliased mutations). */
    async function createPackages(token: string, inputs: object[]): Promise<void> {
      for (let start = 0; start < inputs.length; start += 50) {
        const chunk = inputs.slice(start, start + 50);
        const variables = chunk.map((_, index) => `$p${index}: CreatePackageInput!`).join(', ');
        const fields = chunk.map((_, index) => `p${index}: createPackage(input: $p${index}) { id }`).join('\n');
        await server.ok(`mutation(${variables}) { ${fields} }`, Object.fromEntries(chunk.map((input, index) => [`p${index}`, input])), token);
      }
    }

    beforeAll(async () => {
      big = await server.provisionChain({ clinics: 2, clinicSharing: 'BETWEEN_CLINICS' });
      const service = await createService(server, big.central!.admin, { price: '10.05', taxRate: '21.00' });
      // Three owners use every name, so some pages end inside a run of equal names (ordered by id).
      const names = Math.ceil((2 * EXPORT_PAGE_SIZE + 2) / 3);
      const inputs = Array.from({ length: names }, (_, index) => ({
        name: `Lote ${String(index).padStart(3, '0')}`,
        items: [{ serviceId: service.id, quantity: (index % 7) + 1 }],
      }));
      for (const owner of [big.central!, ...big.clinics]) await createPackages(owner.admin, inputs);
      packageCount = 3 * names;
    });

    it('exports every page as CSV, in the order and with the numbers of `packages`', async () => {
      const token = big.clinics[0].admin;
      const expected = await listAll(token);
      expect(expected.totalCount).toBe(packageCount);
      expect(packageCount).toBeGreaterThan(2 * EXPORT_PAGE_SIZE);
      const rows = readCsv(await download('/exports/packages.csv', token));
      expect(rows).toHaveLength(packageCount + 1);
      expect(rows.slice(1)).toEqual(expected.nodes.map(spanishRow));
    });

    it('exports every page as XLSX', async () => {
      const sheet = await readXlsx(await download('/exports/packages.xlsx', big.clinics[1].admin));
      expect(sheet.rowCount).toBe(packageCount + 1);
      const expected = await listAll(big.clinics[1].admin);
      expect(sheet.getColumn(1).values.slice(2)).toEqual(expected.nodes.map((node) => node.name));
      expect(sheet.getColumn(8).values.slice(2)).toEqual(expected.nodes.map((node) => Number(node.totals.total)));
    });

    it('keeps answering, and frees its connections, when clients leave in the middle of exports', async () => {
      // More abandoned exports than the pool has connections: a leaked connection would starve what follows.
      for (let attempt = 0; attempt < server.config.dbPoolMax + 2; attempt++) {
        const controller = new AbortController();
        const path = attempt % 2 === 0 ? '/exports/packages.csv' : '/exports/packages.xlsx';
        const response = await fetch(`${server.url}${path}`, {
          headers: { authorization: `Bearer ${big.central!.admin}` },
          signal: controller.signal,
        });
        expect(response.status).toBe(200);
        controller.abort();
      }
      const { packages } = await server.ok('{ packages { totalCount } }', {}, big.central!.admin);
      expect(packages.totalCount).toBe(packageCount);
      expect(readCsv(await download('/exports/packages.csv', big.central!.admin))).toHaveLength(packageCount + 1);
      const health = await fetch(`${server.url}/readyz`);
      expect(health.status).toBe(200);
      // Every abandoned download still has its request line, marked as such.
      const abandoned = logs.entries().filter((entry) => entry.msg === 'request' && entry.aborted === true && entry.path.startsWith('/exports/'));
      expect(abandoned.length).toBeGreaterThanOrEqual(server.config.dbPoolMax + 2);
    });
  });

  it('answers HEAD with the headers of the download and no body, checking the token and parameters as GET does', async () => {
    const head = (path: string, token?: string) =>
      fetch(`${server.url}${path}`, { method: 'HEAD', headers: token ? { authorization: `Bearer ${token}` } : {} });
    const csv = await head('/exports/packages.csv?delimiter=semicolon', chain.clinics[0].admin);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="paquetes.csv"');
    expect((await csv.arrayBuffer()).byteLength).toBe(0);
    const xlsx = await head('/exports/packages.xlsx?lang=en', chain.clinics[0].admin);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toBe('attachment; filename="packages.xlsx"');
    expect((await head('/exports/packages.csv')).status).toBe(401);
    expect((await head('/exports/packages.csv?lang=fr', chain.clinics[0].admin)).status).toBe(400);
    // Nothing was read: the request's only log lines are its own.
    const exported = logs.entries().filter((entry) => entry.msg === 'packages exported' && entry.requestId === csv.headers.get('x-request-id'));
    expect(exported).toEqual([]);
  });

  it('prices the shared package the same in the export and in `package`', async () => {
    const { package: pkg } = await server.ok(
      'query($id: ID!) { package(id: $id) { name itemCount totals { subtotal tax total } } }',
      { id: sharedPackageId },
      chain.clinics[1].admin,
    );
    const row = readCsv(await download('/exports/packages.csv', chain.clinics[1].admin)).find((line) => line[0] === pkg.name)!;
    expect(row.slice(4, 8)).toEqual([String(pkg.itemCount), pkg.totals.subtotal, pkg.totals.tax, pkg.totals.total]);
    // Clinic 2 sees its fluor (2 x 25.00) instead of clinic 1's sedation.
    expect(row.slice(4, 8)).toEqual(['4', '70.14', '4.22', '74.36']);
  });
});
