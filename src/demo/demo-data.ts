import { Client } from 'pg';
import { APP_ROLE, OPEN_TENANCY_REGISTRY } from '../request/request-transaction';

/** A realistic Spanish dental chain for `npm start`: a central, two clinics, services, packages and price lists. */
const ORGANIZATION = { name: 'Clínicas Dentales Sonrisa', currency: 'EUR', clinicSharing: 'CENTRAL_ONLY' };
const CENTRAL = 'Sonrisa Central';
const MADRID = 'Sonrisa Madrid Centro';
const VALENCIA = 'Sonrisa Valencia Ruzafa';

type Scope = 'NONE' | 'MOUTH' | 'ARCH' | 'QUADRANT' | 'TOOTH';
// [code, name, family, price, VAT %, minutes, odontogram scope]
type DemoService = [string, string, string, string, string, number, Scope];

const CENTRAL_SERVICES: DemoService[] = [
  ['DIAG-01', 'Primera visita y diagnóstico', 'Diagnóstico', '30.00', '0.00', 30, 'NONE'],
  ['DIAG-02', 'Radiografía panorámica', 'Diagnóstico', '35.00', '0.00', 15, 'MOUTH'],
  ['DIAG-03', 'TAC dental (CBCT)', 'Diagnóstico', '90.00', '0.00', 20, 'ARCH'],
  ['HIG-01', 'Limpieza dental (tartrectomía)', 'Higiene', '55.00', '0.00', 45, 'MOUTH'],
  ['CONS-01', 'Empaste de composite', 'Conservadora', '60.00', '0.00', 40, 'TOOTH'],
  ['ENDO-01', 'Endodoncia unirradicular', 'Endodoncia', '180.00', '0.00', 60, 'TOOTH'],
  ['ENDO-02', 'Endodoncia multirradicular', 'Endodoncia', '290.00', '0.00', 90, 'TOOTH'],
  ['IMP-01', 'Implante dental de titanio', 'Implantología', '950.00', '0.00', 90, 'TOOTH'],
  ['IMP-02', 'Corona de zirconio sobre implante', 'Implantología', '650.00', '0.00', 60, 'TOOTH'],
  ['IMP-03', 'Elevación de seno maxilar', 'Implantología', '700.00', '0.00', 90, 'QUADRANT'],
  ['PER-01', 'Raspado y alisado radicular', 'Periodoncia', '75.00', '0.00', 45, 'QUADRANT'],
  ['ORT-01', 'Férula de descarga', 'Ortodoncia', '280.00', '0.00', 30, 'ARCH'],
  ['EST-01', 'Blanqueamiento dental', 'Estética dental', '300.00', '21.00', 60, 'MOUTH'],
  ['EST-02', 'Carilla de porcelana', 'Estética dental', '420.00', '21.00', 60, 'TOOTH'],
  ['CIR-01', 'Extracción simple', 'Cirugía oral', '60.00', '0.00', 30, 'TOOTH'],
  ['CIR-02', 'Extracción de cordal incluida', 'Cirugía oral', '120.00', '0.00', 60, 'TOOTH'],
];

const MADRID_SERVICES: DemoService[] = [
  ['MAD-SED', 'Sedación consciente', 'Anestesia', '150.00', '0.00', 60, 'NONE'],
  ['MAD-FLU', 'Fluorización infantil', 'Odontopediatría', '25.00', '0.00', 15, 'MOUTH'],
];

// [owner, name, description, [code, quantity][]]
type DemoPackage = [string, string, string, [string, number][]];

const PACKAGES: DemoPackage[] = [
  [CENTRAL, 'Implante completo', 'Implante, corona y pruebas de imagen', [['DIAG-03', 1], ['DIAG-02', 1], ['IMP-01', 1], ['IMP-02', 1]]],
  [CENTRAL, 'Revisión e higiene', 'Visita anual con limpieza', [['DIAG-01', 1], ['DIAG-02', 1], ['HIG-01', 1]]],
  [CENTRAL, 'Blanqueamiento con higiene', 'Limpieza previa y blanqueamiento', [['HIG-01', 1], ['EST-01', 1]]],
  [CENTRAL, 'Tratamiento periodontal', 'Raspado de los cuatro cuadrantes', [['DIAG-02', 1], ['PER-01', 4]]],
  [MADRID, 'Odontopediatría básica', 'Revisión infantil con flúor', [['DIAG-01', 1], ['MAD-FLU', 1]]],
];

/** Items a clinic adds to a central package: "Implante completo" extended by Madrid. */
const EXTENSIONS: [string, string, string, number][] = [[MADRID, 'Implante completo', 'MAD-SED', 1]];

// [name, kind, partner name, partner tax id, valid from, entries: [code, price, clinic or null][]]
type DemoPriceList = [string, 'GENERAL' | 'INSURER', string | null, string | null, string | null, [string, string, string | null][]];

/** The central's tarifas: general prices with an override for Madrid, and an insurer's agreed prices. */
const PRICE_LISTS: DemoPriceList[] = [
  [
    'Tarifa general',
    'GENERAL',
    null,
    null,
    null,
    [
      ['DIAG-01', '25.00', null],
      ['HIG-01', '50.00', null],
      ['IMP-01', '900.00', null],
      ['IMP-01', '880.00', MADRID],
      ['IMP-02', '620.00', null],
    ],
  ],
  [
    'Mutua Dental Ejemplo',
    'INSURER',
    'Mutua Dental Ejemplo',
    'G12345678',
    '2026-01-01',
    [
      ['DIAG-01', '0.00', null],
      ['DIAG-02', '0.00', null],
      ['DIAG-03', '60.00', null],
      ['HIG-01', '30.00', null],
      ['IMP-01', '750.00', null],
      ['IMP-02', '520.00', null],
      ['EST-01', '250.00', null],
    ],
  ],
];

export interface DemoUsers {
  centralId: string;
  madridId: string;
}

/** Runs `work` as the application role with the organization's rows in reach (RLS still applies). */
async function asOrganization<T>(client: Client, organizationId: string | null, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('role', '${APP_ROLE}', true), ${OPEN_TENANCY_REGISTRY}`);
    if (organizationId) await client.query(`SELECT set_config('app.organization_id', $1, true)`, [organizationId]);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Loads the demo chain when the database holds no organization; returns its tenants either way (null if absent). */
export async function ensureDemoData(databaseUrl: string, load: boolean): Promise<DemoUsers | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const empty = await asOrganization(client, null, async () => (await client.query('SELECT 1 FROM organizations LIMIT 1')).rowCount === 0);
    if (empty && load) await seed(client);
    return await asOrganization(client, null, async () => {
      const { rows } = await client.query<{ name: string; id: string }>(
        `SELECT t.name, t.id FROM tenants t JOIN organizations o ON o.id = t.organization_id WHERE o.name = $1`,
        [ORGANIZATION.name],
      );
      const byName = new Map(rows.map((row) => [row.name, row.id]));
      const centralId = byName.get(CENTRAL);
      const madridId = byName.get(MADRID);
      return centralId && madridId ? { centralId, madridId } : null;
    });
  } finally {
    await client.end();
  }
}

async function seed(client: Client): Promise<void> {
  const { rows } = await asOrganization(client, null, () =>
    client.query<{ id: string }>('INSERT INTO organizations (name, currency, clinic_sharing) VALUES ($1, $2, $3) RETURNING id', [
      ORGANIZATION.name,
      ORGANIZATION.currency,
      ORGANIZATION.clinicSharing,
    ]),
  );
  const organizationId = rows[0].id;
  await asOrganization(client, organizationId, async () => {
    const tenants = new Map<string, string>();
    for (const [name, kind] of [[CENTRAL, 'CENTRAL'], [MADRID, 'CLINIC'], [VALENCIA, 'CLINIC']]) {
      const result = await client.query<{ id: string }>(
        'INSERT INTO tenants (organization_id, name, kind) VALUES ($1, $2, $3) RETURNING id',
        [organizationId, name, kind],
      );
      tenants.set(name, result.rows[0].id);
    }
    const services = new Map<string, string>();
    const insertServices = async (owner: string, list: DemoService[]) => {
      for (const [code, name, family, price, taxRate, minutes, scope] of list) {
        const result = await client.query<{ id: string }>(
          `INSERT INTO services (organization_id, owner_tenant_id, code, name, family, price, tax_rate, duration_minutes, odontogram_scope)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [organizationId, tenants.get(owner), code, name, family, price, taxRate, minutes, scope],
        );
        services.set(code, result.rows[0].id);
      }
    };
    await insertServices(CENTRAL, CENTRAL_SERVICES);
    await insertServices(MADRID, MADRID_SERVICES);
    const packages = new Map<string, string>();
    const addItem = (packageName: string, adder: string, code: string, quantity: number) =>
      client.query(
        `INSERT INTO package_items (organization_id, package_id, service_id, added_by_tenant_id, quantity) VALUES ($1, $2, $3, $4, $5)`,
        [organizationId, packages.get(packageName), services.get(code), tenants.get(adder), quantity],
      );
    for (const [owner, name, description, items] of PACKAGES) {
      const result = await client.query<{ id: string }>(
        'INSERT INTO packages (organization_id, owner_tenant_id, name, description) VALUES ($1, $2, $3, $4) RETURNING id',
        [organizationId, tenants.get(owner), name, description],
      );
      packages.set(name, result.rows[0].id);
      for (const [code, quantity] of items) await addItem(name, owner, code, quantity);
    }
    for (const [clinic, packageName, code, quantity] of EXTENSIONS) await addItem(packageName, clinic, code, quantity);
    for (const [name, kind, partnerName, partnerTaxId, validFrom, entries] of PRICE_LISTS) {
      const result = await client.query<{ id: string }>(
        `INSERT INTO price_lists (organization_id, owner_tenant_id, name, kind, partner_name, partner_tax_id, valid_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [organizationId, tenants.get(CENTRAL), name, kind, partnerName, partnerTaxId, validFrom],
      );
      for (const [code, price, clinic] of entries) {
        await client.query(
          'INSERT INTO price_list_entries (organization_id, price_list_id, service_id, clinic_tenant_id, price) VALUES ($1, $2, $3, $4, $5)',
          [organizationId, result.rows[0].id, services.get(code), clinic === null ? null : tenants.get(clinic), price],
        );
      }
    }
  });
}
