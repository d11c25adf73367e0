import { parse } from 'csv-parse/sync';
import { createPackage, createService, uniqueName } from './support/catalog';
import { withDatabase } from './support/db';
import { TestServer, type Chain } from './support/harness';
import { createPriceList, setEntries } from './support/price-lists';

/**
 * A record of an exported CSV never splits, whatever the text holds (issue 14, item 2): every cell
 * holding a CR or an LF is quoted, and a cell a spreadsheet would run as a formula gets a leading
 * apostrophe. Names the API refuses today (control characters) may still be in the database from
 * before: they are written behind the API's back, as old rows would be.
 */

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The attack of the report: the second line of the name is a formula. */
const HOSTILE_LF = "Revisión trimestral\n=cmd|' /C calc'!A0";
const HOSTILE_CR = "Revisión mensual\r=cmd|' /C calc'!A0";
const HOSTILE_CRLF = "Revisión anual\r\n@SUM(1+1)*cmd|' /C calc'!A0";
/** Starting with a CR or a tab: both a line break (or blank) and a formula prefix. */
const LEADING_CR = "\r=cmd|' /C calc'!A0 inicio";
const LEADING_TAB = "\t=cmd|' /C calc'!A0 tabulado";

/**
 * RFC 4180, strictly: records end with CRLF, and a CR or LF anywhere else is inside a quoted
 * field. csv-parse is told that a bare CR or LF ends a record too, and that every record has the
 * header's number of fields, so a cell that lets its line break out splits its record and fails.
 */
function parseStrict(body: Buffer, delimiter = ','): string[][] {
  expect(body.subarray(0, 3)).toEqual(BOM);
  const text = body.subarray(3).toString('utf8');
  // Outside quoted fields, the only line breaks are the CRLFs that end records.
  const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, '');
  expect(outsideQuotes).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  expect(text.endsWith('\r\n')).toBe(true);
  return parse(text, {
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: false,
    relax_column_count: false,
    skip_empty_lines: false,
    skip_records_with_empty_values: false,
    trim: false,
  }) as string[][];
}

describe('CSV exports keep every record whole (line breaks and formulas in cells)', () => {
  let server: TestServer;
  let chain: Chain;
  let priceListId: string;
  const hostileNames = [HOSTILE_LF, HOSTILE_CR, HOSTILE_CRLF, LEADING_CR, LEADING_TAB];
  const suffix = uniqueName('');

  /** Renames a row behind the API's back (as an old row, written before names were checked, would be). */
  async function rename(table: 'packages' | 'services', id: string, name: string): Promise<void> {
    await withDatabase((client) => client.query(`UPDATE ${table} SET name = $2 WHERE id = $1`, [id, name]));
  }

  async function download(path: string, token: string): Promise<Buffer> {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  beforeAll(async () => {
    server = await TestServer.start();
    chain = await server.provisionChain({ clinics: 1 });
    const central = chain.central!.admin;
    for (const name of hostileNames) {
      const created = await createPackage(server, central, { name: uniqueName('Paquete') });
      await rename('packages', created.id, `${name}${suffix}`);
    }
    await createPackage(server, central, { name: `Zeta normal${suffix}` });
    const service = await createService(server, central, { price: '12.50' });
    await rename('services', service.id, `${HOSTILE_LF}${suffix}`);
    const list = await createPriceList(server, central);
    await setEntries(server, central, list.id, [{ serviceId: service.id, price: '10.00' }]);
    priceListId = list.id;
  });
  afterAll(() => server.stop());

  it.each(['comma', 'semicolon'])('quotes every cell holding CR or LF in the packages CSV (delimiter=%s)', async (delimiter) => {
    const body = await download(`/exports/packages.csv?delimiter=${delimiter}&search=${encodeURIComponent(suffix.trim())}`, chain.clinics[0].staff);
    const rows = parseStrict(body, delimiter === 'comma' ? ',' : ';');
    // The header, the five hostile packages and the plain one: nothing more, nothing split.
    expect(rows).toHaveLength(hostileNames.length + 2);
    expect(rows.every((row) => row.length === 9)).toBe(true);
    const names = rows.slice(1).map((row) => row[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        `${HOSTILE_LF}${suffix}`,
        `${HOSTILE_CR}${suffix}`,
        `${HOSTILE_CRLF}${suffix}`,
        // A cell starting with CR or tab gets the formula guard too.
        `'${LEADING_CR}${suffix}`,
        `'${LEADING_TAB}${suffix}`,
        `Zeta normal${suffix}`,
      ]),
    );
    // No record starts with the formula that followed the line break.
    expect(names.filter((name) => /^[=+\-@\t\r]/.test(name))).toEqual([]);
    expect(rows.slice(1).every((row) => row[1] === 'Activo')).toBe(true);
  });

  it("quotes a service name holding LF in a price list's CSV", async () => {
    const rows = parseStrict(await download(`/exports/price-lists/${priceListId}.csv?lang=en`, chain.central!.admin));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(['service_id', 'code', 'service', 'clinic', 'base_price', 'price']);
    expect(rows[1]).toHaveLength(6);
    expect(rows[1][2]).toBe(`${HOSTILE_LF}${suffix}`);
    expect(rows[1].slice(4)).toEqual(['12.50', '10.00']);
  });
});
