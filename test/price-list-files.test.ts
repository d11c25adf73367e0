import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createService, uniqueName } from './support/catalog';
import { countRows } from './support/db';
import { TestServer, type Chain } from './support/harness';
import { createPriceList, getPriceList, listEntries, setEntries } from './support/price-lists';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8'));

describe('price lists over HTTP: export and import', () => {
  let server: TestServer;
  let chain: Chain;
  let central: string;
  let clinicA: Chain['clinics'][number];
  let clinicB: Chain['clinics'][number];
  let names: Record<string, string>;
  let implant: any;
  let cleaning: any;
  let noCode: any;

  const exportList = (token: string | null, id: string, query = '', format = 'csv', method = 'GET') =>
    call(`${server.url}/exports/price-lists/${id}.${format}${query}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

  const importList = (token: string | null, id: string, body: string | Buffer, options: { type?: string | null; query?: string; ifMatch?: string } = {}) =>
    call(`${server.url}/imports/price-lists/${id}${options.query ?? ''}`, {
      method: 'PUT',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.type === null ? {} : { 'content-type': options.type ?? 'text/csv' }),
        ...(options.ifMatch ? { 'if-match': options.ifMatch } : {}),
      },
      body,
    });

  const csvRows = (answer: Answer, delimiter = ',') => {
    expect(answer.status).toBe(200);
    expect(answer.body.subarray(0, 3)).toEqual(BOM);
    return parse(answer.body.subarray(3).toString('utf8'), { delimiter }) as string[][];
  };

  /** What must not move when an import is refused: the list (its version) and its entries. */
  const state = async (id: string) => ({ list: await getPriceList(server, central, id), entries: await listEntries(server, central, id) });

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain();
    central = chain.central!.admin;
    [clinicA, clinicB] = chain.clinics;
    names = Object.fromEntries(chain.organization.tenants.map((tenant) => [tenant.id, tenant.name]));
    implant = await createService(server, central, { name: uniqueName('Implante'), code: 'IMP-01', price: '950.00' });
    cleaning = await createService(server, central, { name: uniqueName('Limpieza'), code: 'HIG-01', price: '55.00' });
    noCode = await createService(server, central, { name: uniqueName('Sin código'), price: '10.00' });
  });
  afterAll(() => server.stop());

  async function filledList(): Promise<any> {
    const list = await createPriceList(server, central, { name: uniqueName('Mutua') });
    return setEntries(server, central, list.id, [
      { serviceId: implant.id, price: '800' },
      { serviceId: implant.id, clinicId: clinicA.id, price: '750.5' },
      { serviceId: cleaning.id, price: '0' },
    ]);
  }

  describe('export', () => {
    it('writes the entries the viewer sees, in the listing order, with an ETag of the version, in either language', async () => {
      const list = await filledList();
      const spanish = await exportList(central, list.id);
      expect(spanish.headers.get('etag')).toBe(`"${list.version}"`);
      expect(spanish.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = csvRows(spanish);
      expect(rows[0]).toEqual(['id_servicio', 'código', 'servicio', 'clínica', 'precio_base', 'precio']);
      expect(rows.slice(1)).toEqual([
        [implant.id, 'IMP-01', implant.name, '', '950.00', '800.00'],
        [implant.id, 'IMP-01', implant.name, names[clinicA.id], '950.00', '750.50'],
        [cleaning.id, 'HIG-01', cleaning.name, '', '55.00', '0.00'],
      ]);
      const english = csvRows(await exportList(clinicB.staff, list.id, '?lang=en&delimiter=semicolon'), ';');
      expect(english).toEqual([
        ['service_id', 'code', 'service', 'clinic', 'base_price', 'price'],
        [implant.id, 'IMP-01', implant.name, '', '950.00', '800.00'],
        [cleaning.id, 'HIG-01', cleaning.name, '', '55.00', '0.00'],
      ]);
      const head = await exportList(clinicA.staff, list.id, '', 'csv', 'HEAD');
      expect([head.status, head.headers.get('etag'), head.body.length]).toEqual([200, `"${list.version}"`, 0]);
    });

    it('writes XLSX with amounts as numbers', async () => {
      const list = await filledList();
      const answer = await exportList(clinicA.staff, list.id, '?lang=en', 'xlsx');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('etag')).toBe(`"${list.version}"`);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(answer.body as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      expect(sheet.getRow(1).values).toEqual([undefined, 'service_id', 'code', 'service', 'clinic', 'base_price', 'price']);
      expect(sheet.getRow(3).values).toEqual([undefined, implant.id, 'IMP-01', implant.name, names[clinicA.id], 950, 750.5]);
      expect(sheet.rowCount).toBe(4);
    });

    it('answers 404 for a list the viewer cannot see, 401 without a token, 400 for unknown parameters', async () => {
      const hidden = await createPriceList(server, central, { shared: false });
      expect((await exportList(clinicA.staff, hidden.id)).status).toBe(404);
      expect((await exportList(clinicA.staff, randomUUID(), '', 'xlsx')).status).toBe(404);
      expect((await exportList(clinicA.staff, 'nope')).status).toBe(404);
      expect((await exportList(null, hidden.id)).status).toBe(401);
      const bad = await exportList(central, hidden.id, '?lang=fr');
      expect([bad.status, json(bad).errors[0].extensions]).toEqual([400, { code: 'BAD_USER_INPUT', field: 'lang' }]);
      expect((await exportList(central, hidden.id, '?search=x')).status).toBe(400);
    });
  });

  describe('import', () => {
    it('imports back an unchanged export as it is, in either language and format', async () => {
      const list = await filledList();
      const before = await state(list.id);
      for (const [query, format, type] of [
        ['', 'csv', 'text/csv'],
        ['?lang=en&delimiter=semicolon', 'csv', 'text/csv; charset=utf-8'],
        ['?lang=en', 'xlsx', XLSX],
      ] as const) {
        const file = await exportList(central, list.id, query, format);
        const answer = await importList(central, list.id, file.body, { type, ifMatch: file.headers.get('etag')! });
        expect([format, answer.status, json(answer)]).toEqual([format, 200, { created: 0, updated: 0, removed: 0, unchanged: 3, version: list.version }]);
      }
      expect(await state(list.id)).toEqual(before);
    });

    it('merges by code or service_id, clinic by name or id, decimal comma, semicolons; +1 version', async () => {
      const list = await filledList();
      const file = [
        'Código;Precio;Clínica;Notas',
        `IMP-01;810,50;;revisado`,
        `imp-01;700;${names[clinicB.id].toUpperCase()};`,
        `;12;${clinicA.id};`,
        '',
      ].join('\r\n');
      // The third row names no service: nothing is taken.
      const refused = await importList(central, list.id, `\uFEFF${file}`);
      expect(refused.status).toBe(422);
      expect(json(refused)).toEqual({ errors: [{ row: 4, column: 'code', message: expect.any(String) }] });
      const ok = await importList(central, list.id, file.replace(`;12;${clinicA.id};`, `HIG-01;12;${clinicA.id};`), { ifMatch: `"${list.version}"` });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('etag')).toBe(`"${list.version + 1}"`);
      expect(json(ok)).toEqual({ created: 2, updated: 1, removed: 0, unchanged: 0, version: list.version + 1 });
      const entries = (await listEntries(server, central, list.id)).nodes.map((node) => [node.service.id, node.clinic?.id ?? null, node.price]);
      expect(entries).toEqual(
        expect.arrayContaining([
          [implant.id, null, '810.50'],
          [implant.id, clinicA.id, '750.50'],
          [implant.id, clinicB.id, '700.00'],
          [cleaning.id, null, '0.00'],
          [cleaning.id, clinicA.id, '12.00'],
        ]),
      );
      expect(entries).toHaveLength(5);
      // The same file again changes nothing: no new version.
      const again = await importList(central, list.id, file.replace(`;12;${clinicA.id};`, `HIG-01;12;${clinicA.id};`));
      expect(json(again)).toEqual({ created: 0, updated: 0, removed: 0, unchanged: 3, version: list.version + 1 });
    });

    it('replace removes the visible entries the file does not name, never those the viewer cannot see', async () => {
      const org = await server.provisionChain({ clinicSharing: 'BETWEEN_CLINICS' });
      const owner = org.central!.admin;
      const own = await createService(server, owner, { code: 'A-1', price: '5.00' });
      const other = await createService(server, owner, { code: 'A-2', price: '5.00' });
      const clinics = await createService(server, org.clinics[0].admin, { code: 'C-1', price: '5.00' });
      const list = await createPriceList(server, owner);
      await setEntries(server, owner, list.id, [
        { serviceId: own.id, price: '1' },
        { serviceId: other.id, price: '2' },
        { serviceId: clinics.id, price: '3' },
      ]);
      // The clinic unshares its service: its entry is no longer there for the central.
      await server.ok('mutation($id: ID!) { updateService(id: $id, input: { shared: false }) { id } }', { id: clinics.id }, org.clinics[0].admin);
      const answer = await importList(owner, list.id, 'service_id,price\n' + `${own.id},1.00\n`, { query: '?mode=replace' });
      expect(json(answer)).toEqual({ created: 0, updated: 0, removed: 1, unchanged: 1, version: 3 });
      expect(await countRows('SELECT count(*) FROM price_list_entries WHERE price_list_id = $1', [list.id])).toBe(2);
      await server.ok('mutation($id: ID!) { updateService(id: $id, input: { shared: true }) { id } }', { id: clinics.id }, org.clinics[0].admin);
      expect((await listEntries(server, owner, list.id)).nodes.map((node) => node.service.id).sort()).toEqual([own.id, clinics.id].sort());
    });

    it('reports every bad row with its row and column, and changes nothing (422)', async () => {
      const list = await filledList();
      const clinicsList = await createPriceList(server, clinicA.admin);
      const ambiguous = await createService(server, clinicA.admin, { code: 'HIG-01', price: '1.00' });
      const hidden = await createService(server, clinicA.admin, { code: 'PRIV-1', shared: false });
      const before = await state(list.id);
      const file = [
        'service_id,code,clinic,price,comment',
        `${implant.id},,,801,ok`,
        ',NOPE-9,,1,unknown code',
        `${hidden.id},,,1,service the central cannot see`,
        `${randomUUID()},,,1,unknown service`,
        `${cleaning.id},,Clínica Fantasma,1,not a clinic`,
        `${cleaning.id},,${chain.central!.id},1,the central is no clinic`,
        `${noCode.id},,,12.345,three decimals`,
        `${noCode.id},,,-1,negative`,
        `${noCode.id},,,doce,no number`,
        `${noCode.id},,,,no price`,
        `${implant.id},,,802,repeats row 2`,
        ',,,5,no service at all',
      ].join('\n');
      const answer = await importList(central, list.id, file);
      expect(answer.status).toBe(422);
      expect(json(answer).errors.map((error: any) => [error.row, error.column])).toEqual([
        [3, 'code'],
        [4, 'service_id'],
        [5, 'service_id'],
        [6, 'clinic'],
        [7, 'clinic'],
        [8, 'price'],
        [9, 'price'],
        [10, 'price'],
        [11, 'price'],
        [12, 'service_id'],
        [13, 'service_id'],
      ]);
      expect(await state(list.id)).toEqual(before);

      // On a clinic's list: a code two visible services share, and any clinic override, are row errors.
      const clinicFile = `code,clinic,price\nHIG-01,,1\nIMP-01,${names[clinicA.id]},2\n`;
      const refused = await importList(clinicA.admin, clinicsList.id, clinicFile);
      expect(json(refused).errors).toEqual([
        { row: 2, column: 'code', message: expect.stringContaining('ambiguous code: use service_id') },
        { row: 3, column: 'clinic', message: expect.any(String) },
      ]);
      expect((await listEntries(server, clinicA.admin, clinicsList.id)).totalCount).toBe(0);
      const byId = await importList(clinicA.admin, clinicsList.id, `service_id,price\n${ambiguous.id},1\n`);
      expect(json(byId)).toMatchObject({ created: 1 });
    });

    it('reports at most 100 bad rows; a file without the needed columns, or unreadable, is 422 on row 1', async () => {
      const list = await filledList();
      const many = ['code,price', ...Array.from({ length: 150 }, (_, index) => `NONE-${index},1`)].join('\n');
      const answer = await importList(central, list.id, many);
      expect([answer.status, json(answer).errors.length, json(answer).errors[99].row]).toEqual([422, 100, 101]);
      const noPrice = await importList(central, list.id, 'code,precio_base\nIMP-01,1\n');
      expect([noPrice.status, json(noPrice).errors]).toEqual([422, [{ row: 1, column: 'price', message: expect.any(String) }]]);
      const noKey = await importList(central, list.id, 'servicio,precio\nImplante,1\n');
      expect(json(noKey).errors).toEqual([{ row: 1, column: 'service_id', message: expect.any(String) }]);
      expect((await importList(central, list.id, '')).status).toBe(422);
      expect((await importList(central, list.id, 'code,price\n"IMP-01,1\n')).status).toBe(422);
      expect((await importList(central, list.id, Buffer.from('not a zip'), { type: XLSX })).status).toBe(422);
      expect((await getPriceList(server, central, list.id)).version).toBe(list.version);
    });

    it('honours If-Match: 412 with the current ETag when stale, plain or quoted', async () => {
      const list = await filledList();
      const before = await state(list.id);
      const stale = await importList(central, list.id, 'code,price\nIMP-01,1\n', { ifMatch: `"${list.version - 1}"` });
      expect([stale.status, stale.headers.get('etag')]).toEqual([412, `"${list.version}"`]);
      expect(await state(list.id)).toEqual(before);
      const ok = await importList(central, list.id, 'code,price\nIMP-01,1\n', { ifMatch: String(list.version) });
      expect(ok.status).toBe(200);
      expect((await importList(central, list.id, 'code,price\n', { ifMatch: 'soon' })).status).toBe(400);
    });

    it('answers 401, 403, 404, 415, 413 and 400 as setPriceListEntries would refuse, changing nothing', async () => {
      const list = await filledList();
      const hidden = await createPriceList(server, central, { shared: false });
      const before = await state(list.id);
      const file = 'code,price\nIMP-01,1\n';
      expect((await importList(null, list.id, file)).status).toBe(401);
      expect((await importList(clinicA.admin, list.id, file)).status).toBe(403);
      expect((await importList(chain.central!.staff, list.id, file)).status).toBe(403);
      expect((await importList(clinicA.admin, hidden.id, file)).status).toBe(404);
      expect((await importList(central, randomUUID(), file)).status).toBe(404);
      expect((await importList(central, list.id, file, { type: 'application/json' })).status).toBe(415);
      expect((await importList(central, list.id, file, { type: null })).status).toBe(415);
      const rows = ['code,price', ...Array.from({ length: 10_001 }, () => 'IMP-01,1')].join('\n');
      expect((await importList(central, list.id, rows)).status).toBe(413);
      const huge = await importList(central, list.id, `code,price\n${'x'.repeat(5 * 1024 * 1024)}`);
      expect([huge.status, json(huge).errors[0].extensions.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const mode = await importList(central, list.id, file, { query: '?mode=upsert' });
      expect([mode.status, json(mode).errors[0].extensions]).toEqual([400, { code: 'BAD_USER_INPUT', field: 'mode' }]);
      expect(await state(list.id)).toEqual(before);
      const other = await server.provisionChain();
      expect((await importList(other.central!.admin, list.id, file)).status).toBe(404);
    });
  });
});
