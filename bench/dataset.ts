import { Client } from 'pg';

/**
 * The benchmark's data set, generated with set-based SQL (generate_series), as the table owner
 * (Row Level Security does not apply to a superuser; the rows are what the API would have written).
 *
 * - Noise: `noiseOrganizations` standalone clinics, each with 5 services and 2 packages of 3 items,
 *   so that every table holds many organizations and only indexes keep a query to one.
 * - The large chain: a central and `clinics` clinics sharing with each other (BETWEEN_CLINICS),
 *   `services` services (60% the central's, the rest spread over the clinics; 1 in 10 not shared,
 *   1 in 25 deactivated) and packages of 8 items each (the owner's items and, on 1 package in 4,
 *   two added by another clinic), added by `addPackages` (a second chain of the same shape with a
 *   tenth of the packages measures how the package table grows).
 */

export interface DatasetSize {
  noiseOrganizations: number;
  clinics: number;
  services: number;
  packages: number;
}

export const DEFAULT_SIZE: DatasetSize = { noiseOrganizations: 10_000, clinics: 50, services: 5_000, packages: 20_000 };
export const SMALL_SIZE: DatasetSize = { noiseOrganizations: 1_000, clinics: 50, services: 1_000, packages: 4_000 };

export const ITEMS_PER_PACKAGE = 8;

/** Words of names: accents on purpose, so that an accent-insensitive search has something to fold. */
const PACKAGE_WORDS = `ARRAY['Implante', 'Ortodoncia', 'Endodoncia', 'Periodoncia', 'Estética', 'Higiene', 'Cirugía', 'Prótesis', 'Blanqueamiento', 'Odontopediatría']`;
const PACKAGE_KINDS = `ARRAY['básico', 'completo', 'premium', 'plus', 'infantil', 'sénior', 'exprés', 'integral']`;
const SERVICE_WORDS = `ARRAY['Implante dental', 'Corona de zirconio', 'Radiografía panorámica', 'Empaste composite', 'Limpieza bucal', 'Extracción simple', 'Férula de descarga', 'Carilla de porcelana', 'Endodoncia unirradicular', 'Sedación consciente']`;

/** A search term for each list, written with other accents than the stored names. */
export const PACKAGE_SEARCH = 'cirugia senior';
export const SERVICE_SEARCH = 'radiografia panoramica';

export interface Chain {
  organizationId: string;
  centralId: string;
  /** The clinics, in creation order; the benchmark's viewer is the first. */
  clinicIds: string[];
}

async function inOneTransaction(client: Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

export async function generateNoise(client: Client, organizations: number): Promise<void> {
  await inOneTransaction(client, async () => {
    await client.query(
      `INSERT INTO organizations (name) SELECT 'Ruido ' || g FROM generate_series(1, $1) g`,
      [organizations],
    );
    await client.query(
      `INSERT INTO tenants (organization_id, name, kind) SELECT id, name || ' clínica', 'CLINIC' FROM organizations WHERE name LIKE 'Ruido %'`,
    );
    await client.query(
      `INSERT INTO services (organization_id, owner_tenant_id, code, name, price, tax_rate, odontogram_scope)
       SELECT t.organization_id, t.id, 'R' || g, (${SERVICE_WORDS})[1 + g % 10] || ' ' || g, 20 + g * 7.5, CASE WHEN g % 2 = 0 THEN 21 ELSE 0 END, 'NONE'
         FROM tenants t CROSS JOIN generate_series(1, 5) g
        WHERE t.name LIKE 'Ruido %'`,
    );
    await client.query(
      `INSERT INTO packages (organization_id, owner_tenant_id, name)
       SELECT t.organization_id, t.id, (${PACKAGE_WORDS})[1 + g] || ' ' || g
         FROM tenants t CROSS JOIN generate_series(1, 2) g
        WHERE t.name LIKE 'Ruido %'`,
    );
    await client.query(
      `INSERT INTO package_items (organization_id, package_id, service_id, added_by_tenant_id, quantity)
       SELECT p.organization_id, p.id, s.id, p.owner_tenant_id, 1
         FROM packages p
         JOIN tenants t ON t.organization_id = p.organization_id AND t.name LIKE 'Ruido %'
         JOIN services s ON s.organization_id = p.organization_id AND s.code IN ('R1', 'R2', 'R3')`,
    );
  });
}

export async function generateChain(client: Client, size: Pick<DatasetSize, 'clinics' | 'services'>, name = 'Cadena grande'): Promise<Chain> {
  let chain: Chain | undefined;
  await inOneTransaction(client, async () => {
    const [organization] = (
      await client.query<{ id: string }>(
        `INSERT INTO organizations (name, clinic_sharing) VALUES ($1, 'BETWEEN_CLINICS') RETURNING id`,
        [name],
      )
    ).rows;
    const [central] = (
      await client.query<{ id: string }>(`INSERT INTO tenants (organization_id, name, kind) VALUES ($1, 'Central', 'CENTRAL') RETURNING id`, [
        organization.id,
      ])
    ).rows;
    const clinics = (
      await client.query<{ id: string }>(
        `INSERT INTO tenants (organization_id, name, kind)
         SELECT $1, 'Clínica ' || lpad(g::text, 3, '0'), 'CLINIC' FROM generate_series(1, $2) g ORDER BY g RETURNING id`,
        [organization.id, size.clinics],
      )
    ).rows;
    const owners = [central.id, ...clinics.map((clinic) => clinic.id)];
    // Service g: the central's for 60% of them, else clinic 1 + g % clinics.
    await client.query(
      `INSERT INTO services (organization_id, owner_tenant_id, code, name, family, price, tax_rate, duration_minutes, odontogram_scope, shared, active)
       SELECT $1, CASE WHEN g % 10 < 6 THEN ($2::uuid[])[1] ELSE ($2::uuid[])[2 + g % (cardinality($2::uuid[]) - 1)] END,
              'S' || g, (${SERVICE_WORDS})[1 + g % 10] || ' ' || g, 'Familia ' || g % 12,
              round((15 + (g * 37) % 1200 + (g % 4) * 0.25)::numeric, 2), CASE WHEN g % 3 = 0 THEN 21 WHEN g % 3 = 1 THEN 10 ELSE 0 END,
              15 + g % 60, (ARRAY['NONE', 'MOUTH', 'ARCH', 'QUADRANT', 'TOOTH'])[1 + g % 5], g % 10 <> 7, g % 25 <> 0
         FROM generate_series(1, $3) g`,
      [organization.id, owners, size.services],
    );
    chain = { organizationId: organization.id, centralId: central.id, clinicIds: clinics.map((clinic) => clinic.id) };
  });
  return chain!;
}

/**
 * Packages number `from` to `to` (1-based) of the chain. Package g is the central's when g % 5 < 2,
 * else clinic 1 + g % clinics (the viewer, clinic 1, owns its share); 1 in 10 is not shared, 1 in 20
 * deactivated. Its 8 items are distinct services picked by stride (none repeats within a package).
 */
export async function addPackages(client: Client, chain: Chain, services: number, from: number, to: number): Promise<void> {
  const owners = [chain.centralId, ...chain.clinicIds];
  await inOneTransaction(client, async () => {
    await client.query(
      `INSERT INTO packages (organization_id, owner_tenant_id, name, description, shared, active, created_at, updated_at)
       SELECT $1, CASE WHEN g % 5 < 2 THEN ($2::uuid[])[1] ELSE ($2::uuid[])[2 + g % (cardinality($2::uuid[]) - 1)] END,
              (${PACKAGE_WORDS})[1 + g % 10] || ' ' || (${PACKAGE_KINDS})[1 + (g / 10) % 8] || ' ' || g,
              'Paquete de prueba ' || g, g % 10 <> 3, g % 20 <> 0,
              now() - g * interval '1 minute', now() - (g % 977) * interval '1 minute'
         FROM generate_series($3::int, $4::int) g`,
      [chain.organizationId, owners, from, to],
    );
    // Services in code order, to pick by number; packages numbered by the number in their name.
    await client.query(
      `WITH service_ids AS (
         SELECT array_agg(id ORDER BY substr(code, 2)::int) AS ids FROM services WHERE organization_id = $1
       ), numbered AS (
         SELECT p.id, p.owner_tenant_id, split_part(p.description, ' ', 4)::int AS g
           FROM packages p WHERE p.organization_id = $1 AND split_part(p.description, ' ', 4)::int BETWEEN $3 AND $4
       )
       INSERT INTO package_items (organization_id, package_id, service_id, added_by_tenant_id, quantity)
       SELECT $1, n.id, (s.ids)[1 + (n.g * 13 + k * 611) % $5],
              CASE WHEN n.g % 4 = 0 AND k >= 6 THEN ($2::uuid[])[2 + (n.g + k) % (cardinality($2::uuid[]) - 1)] ELSE n.owner_tenant_id END,
              1 + (n.g + k) % 4
         FROM numbered n CROSS JOIN service_ids s CROSS JOIN generate_series(0, ${ITEMS_PER_PACKAGE - 1}) k
        ORDER BY n.g, k`,
      [chain.organizationId, owners, from, to, services],
    );
  });
}

/**
 * The central's general price list: an entry for every other service, and an override for the
 * first clinic (the viewer) on every tenth. Returns its id.
 */
export async function addPriceList(client: Client, chain: Chain): Promise<string> {
  let id = '';
  await inOneTransaction(client, async () => {
    const [list] = (
      await client.query<{ id: string }>(`INSERT INTO price_lists (organization_id, owner_tenant_id, name) VALUES ($1, $2, 'Tarifa general') RETURNING id`, [
        chain.organizationId,
        chain.centralId,
      ])
    ).rows;
    await client.query(
      `INSERT INTO price_list_entries (organization_id, price_list_id, service_id, clinic_tenant_id, price)
       SELECT $1::uuid, $2::uuid, s.id, NULL::uuid, round(s.price * 0.9, 2) FROM services s WHERE s.organization_id = $1 AND substr(s.code, 2)::int % 2 = 0
       UNION ALL
       SELECT $1::uuid, $2::uuid, s.id, $3::uuid, round(s.price * 0.8, 2) FROM services s WHERE s.organization_id = $1 AND substr(s.code, 2)::int % 10 = 0`,
      [chain.organizationId, list.id, chain.clinicIds[0]],
    );
    id = list.id;
  });
  return id;
}

/** Fresh statistics and visibility maps: what a maintained production database has. */
export async function vacuumAnalyze(client: Client): Promise<void> {
  await client.query('VACUUM ANALYZE');
}
