/**
 * Every change to price lists and their entries (GraphQL mutations and the HTTP import) goes
 * through this module, so that each one checks visibility, then permission, then the version, in
 * the same order, and each write path is in one place.
 */
import { isUuid } from '../auth/token';
import { conflictWhenTaken } from '../db/errors';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import type { RequestContext } from '../request/context';
import { canChangeRow } from '../tenancy/permissions';
import { requireTenant, requireTenantAdmin, type TenantScope } from '../tenancy/viewer';
import { decimalInRange, optionalText, requiredName } from '../validation';
import { expectVersion } from '../catalog/versions';
import { recordPriceListChange, recordPriceListEntries } from '../changes/catalog-event.recorder';
import type { PriceListColumn } from '../exports/price-list-columns';
import { columnName, type ImportSheet, type RowError } from '../imports/price-list-file';
import { PriceListEntryRepository, type EntryKey } from './price-list-entry.repository';
import { PriceListRepository, type PriceListFields } from './price-list.repository';
import type { CreatePriceListInput, PriceList, PriceListEntry, PriceListEntryInput, PriceListEntryKey, UpdatePriceListInput } from './price-list.types';

export const MAX_ENTRIES_PER_CALL = 1000;

function repositories(ctx: RequestContext): { scope: TenantScope; lists: PriceListRepository; entries: PriceListEntryRepository } {
  const scope = requireTenant(ctx.viewer);
  return { scope, lists: ctx.repositories.priceLists, entries: ctx.repositories.priceListEntries };
}

/** A list the viewer sees, or null; malformed ids are simply unknown. */
export async function findVisiblePriceList(ctx: RequestContext, id: string): Promise<PriceList | null> {
  requireTenant(ctx.viewer);
  return isUuid(id) ? ctx.loaders.priceList.load(id) : null;
}

/**
 * The list to change, locked: unseen is NOT_FOUND (on `field` when given), seen but not the
 * viewer's to change (another tenant's, or a STAFF user) is FORBIDDEN.
 */
async function listToChange(ctx: RequestContext, id: string, field?: string): Promise<PriceList> {
  const { lists } = repositories(ctx);
  const list = isUuid(id) ? await lists.lockVisible(id) : null;
  if (!list) throw new NotFoundError('Price list', field);
  if (!canChangeRow(ctx.viewer, list)) throw new ForbiddenError("Only the owner's administrators can change this price list");
  return list;
}

const uniqueName = <T>(work: () => Promise<T>): Promise<T> =>
  conflictWhenTaken(new ConflictError('Another price list of this tenant already has that name', 'name'), work);

/** The rules that hold for a list as it is after a create or an update. */
function checkedFields(fields: PriceListFields): PriceListFields {
  if (fields.kind !== 'GENERAL' && fields.partnerName === null) {
    throw new BadUserInputError('partnerName', `partnerName is required for ${fields.kind} price lists (who the prices are agreed with)`);
  }
  if (fields.validFrom !== null && fields.validUntil !== null && fields.validFrom > fields.validUntil) {
    throw new BadUserInputError('validUntil', `validUntil (${fields.validUntil}) must not be before validFrom (${fields.validFrom})`);
  }
  return fields;
}

const partnerName = (value: string | null | undefined) => optionalText('partnerName', value, 120);
const partnerTaxId = (value: string | null | undefined) => optionalText('partnerTaxId', value, 20);

export async function createPriceList(ctx: RequestContext, input: CreatePriceListInput): Promise<PriceList> {
  requireTenantAdmin(ctx.viewer);
  const fields = checkedFields({
    name: requiredName('name', input.name),
    kind: input.kind,
    partnerName: partnerName(input.partnerName),
    partnerTaxId: partnerTaxId(input.partnerTaxId),
    validFrom: input.validFrom ?? null,
    validUntil: input.validUntil ?? null,
    shared: input.shared,
  });
  const list = await uniqueName(() => ctx.repositories.priceLists.insert(fields));
  await recordPriceListChange(ctx, null, list);
  return list;
}

/** Whether `next` writes what `current` already holds (values are normalised by then: trimmed text, "YYYY-MM-DD" days). */
const changesNothing = (next: PriceListFields, current: PriceList) =>
  (Object.keys(next) as (keyof PriceListFields)[]).every((field) => next[field] === current[field]);

/** Absent fields keep their value; null clears the optional ones and leaves the required ones (name, kind, shared) as they are. */
export async function updatePriceList(
  ctx: RequestContext,
  id: string,
  input: UpdatePriceListInput,
  expectedVersion: number | null | undefined,
): Promise<PriceList> {
  const current = await listToChange(ctx, id);
  expectVersion(current.version, expectedVersion);
  const next = checkedFields({
    name: input.name == null ? current.name : requiredName('name', input.name),
    kind: input.kind ?? current.kind,
    partnerName: input.partnerName === undefined ? current.partnerName : partnerName(input.partnerName),
    partnerTaxId: input.partnerTaxId === undefined ? current.partnerTaxId : partnerTaxId(input.partnerTaxId),
    validFrom: input.validFrom === undefined ? current.validFrom : input.validFrom,
    validUntil: input.validUntil === undefined ? current.validUntil : input.validUntil,
    shared: input.shared ?? current.shared,
  });
  // A call that changes nothing raises no version.
  if (changesNothing(next, current)) return current;
  const updated = await uniqueName(() => repositories(ctx).lists.update(current.id, next));
  await recordPriceListChange(ctx, current, updated);
  return updated;
}

export async function setPriceListActive(ctx: RequestContext, id: string, active: boolean): Promise<PriceList> {
  const current = await listToChange(ctx, id);
  const updated = await repositories(ctx).lists.setActive(current.id, active);
  if (!updated) return current;
  await recordPriceListChange(ctx, current, updated);
  return updated;
}

/** `${serviceId}/${clinicId or ''}`: one entry per (list, service, clinic). */
const keyOf = (key: EntryKey) => `${key.serviceId}/${key.clinicTenantId ?? ''}`;

/** The clinics among `ids` (overrides must name one): the tenant loader reads the organization's tenants in one statement. */
async function clinicsAmong(ctx: RequestContext, ids: (string | null | undefined)[]): Promise<Set<string>> {
  const named = [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
  const tenants = await Promise.all(named.map((id) => ctx.loaders.tenant.load(id)));
  return new Set(tenants.filter((tenant) => tenant?.kind === 'CLINIC').map((tenant) => tenant!.id));
}

/** Checks the size of a call's list of entries or keys (1-1,000). */
function checkBatch(field: string, count: number): void {
  if (count === 0) throw new BadUserInputError(field, `${field} must hold at least one entry`);
  if (count > MAX_ENTRIES_PER_CALL) throw new BadUserInputError(field, `${field} may hold at most ${MAX_ENTRIES_PER_CALL} entries per call, got ${count}`);
}

/**
 * A key's clinic: null for every clinic; an override only on a central's list and only for a
 * clinic of the organization (else BAD_USER_INPUT on `field`).
 */
function clinicOf(scope: TenantScope, list: PriceList, clinics: Set<string>, clinicId: string | null | undefined, field: string): string | null {
  if (clinicId === null || clinicId === undefined) return null;
  if (list.ownerTenantId !== scope.centralTenantId) {
    throw new BadUserInputError(field, 'Clinic overrides exist only on price lists owned by the central');
  }
  if (!clinics.has(clinicId)) throw new BadUserInputError(field, `${field} must name a clinic of the organization`);
  return clinicId;
}

/** The service of a key: seen by the list's owner (the viewer, who alone changes it), else NOT_FOUND on `field`. */
async function serviceOfKey(ctx: RequestContext, serviceId: string, field: string): Promise<string> {
  const service = isUuid(serviceId) ? await ctx.loaders.service.load(serviceId) : null;
  if (!service) throw new NotFoundError('Service', field);
  return service.id;
}

/** One validated key per input, in order; a key repeated in the call is BAD_USER_INPUT on its later occurrence. */
async function checkedKeys(
  ctx: RequestContext,
  list: PriceList,
  keys: { serviceId: string; clinicId?: string | null }[],
  field: string,
  more: (index: number) => void = () => undefined,
): Promise<EntryKey[]> {
  const scope = requireTenant(ctx.viewer);
  const clinics = await clinicsAmong(ctx, keys.map((key) => key.clinicId));
  // Loaded together (one statement), checked in order.
  const services = await Promise.all(keys.map((key, index) => serviceOfKey(ctx, key.serviceId, `${field}[${index}].serviceId`).catch((error: Error) => error)));
  const seen = new Set<string>();
  return keys.map((key, index) => {
    more(index);
    const clinicTenantId = clinicOf(scope, list, clinics, key.clinicId, `${field}[${index}].clinicId`);
    const service = services[index];
    if (service instanceof Error) throw service;
    const checked = { serviceId: service, clinicTenantId };
    if (seen.has(keyOf(checked))) throw new BadUserInputError(`${field}[${index}].serviceId`, `${field}[${index}] repeats an earlier key of this call`);
    seen.add(keyOf(checked));
    return checked;
  });
}

/** Counts of one change to a list's entries. */
export interface EntriesChange {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
  list: PriceList;
}

/** Writes entries and removals; 1 more version when something changed, none otherwise. */
async function changeEntries(
  ctx: RequestContext,
  list: PriceList,
  upserts: (EntryKey & { price: string })[],
  removals: PriceListEntry[],
): Promise<EntriesChange> {
  const { lists, entries } = repositories(ctx);
  // The prices before, for the event (upserts name services the owner sees, so their entries are visible).
  const before = upserts.length > 0 ? new Map((await entries.allVisible(list.id)).map((entry) => [keyOf(entry), entry.price])) : new Map<string, string>();
  const { created, updated } = await entries.upsert(list.id, upserts);
  const removed = await entries.remove(
    list.id,
    removals.map((entry) => entry.id),
  );
  const changed = created + updated + removed > 0;
  const after = changed ? await lists.entriesChanged(list.id) : list;
  if (changed) {
    const services = await Promise.all([...upserts, ...removals].map((entry) => ctx.loaders.service.load(entry.serviceId)));
    await recordPriceListEntries(ctx, after, [
      ...upserts.map((entry, index) => ({ serviceId: entry.serviceId, clinicId: entry.clinicTenantId, before: before.get(keyOf(entry)) ?? null, after: entry.price, service: services[index]! })),
      ...removals.map((entry, index) => ({ serviceId: entry.serviceId, clinicId: entry.clinicTenantId, before: entry.price, after: null, service: services[upserts.length + index]! })),
    ]);
  }
  return { created, updated, removed, unchanged: upserts.length - created - updated, list: after };
}

export async function setPriceListEntries(
  ctx: RequestContext,
  priceListId: string,
  inputs: PriceListEntryInput[],
  expectedVersion: number | null | undefined,
): Promise<PriceList> {
  const list = await listToChange(ctx, priceListId, 'priceListId');
  expectVersion(list.version, expectedVersion);
  checkBatch('entries', inputs.length);
  const prices: string[] = [];
  const keys = await checkedKeys(ctx, list, inputs, 'entries', (index) => {
    prices.push(decimalInRange(`entries[${index}].price`, inputs[index].price, '0.00', '999999.99'));
  });
  return (await changeEntries(ctx, list, keys.map((key, index) => ({ ...key, price: prices[index] })), [])).list;
}

export async function removePriceListEntries(
  ctx: RequestContext,
  priceListId: string,
  inputs: PriceListEntryKey[],
  expectedVersion: number | null | undefined,
): Promise<PriceList> {
  const list = await listToChange(ctx, priceListId, 'priceListId');
  expectVersion(list.version, expectedVersion);
  checkBatch('keys', inputs.length);
  const keys = await checkedKeys(ctx, list, inputs, 'keys');
  const existing = new Map((await repositories(ctx).entries.allVisible(list.id)).map((entry) => [keyOf(entry), entry]));
  const removals = keys.map((key, index) => {
    const entry = existing.get(keyOf(key));
    if (!entry) throw new BadUserInputError(`keys[${index}].serviceId`, `keys[${index}] names no entry of this price list`);
    return entry;
  });
  return (await changeEntries(ctx, list, [], removals)).list;
}

/** A list the viewer sees, held against changes (a shared lock) for the rest of the transaction: an export's ETag names what it exports. */
export async function findPriceListToExport(ctx: RequestContext, id: string): Promise<PriceList | null> {
  return isUuid(id) ? repositories(ctx).lists.lockVisible(id, 'share') : null;
}

/** An import's If-Match names another version than the stored one: 412, with the stored version as the new ETag. */
export class StaleImportError extends Error {
  constructor(readonly version: number) {
    super(`The price list is at version ${version}: someone changed it meanwhile; export it again and retry`);
  }
}

/** Rows of an import that cannot be taken: 422 listing them (nothing is changed). */
export class ImportRowsError extends Error {
  constructor(readonly errors: RowError[]) {
    super('some rows cannot be imported');
  }
}

/** What an import did (api.md): the counts and the list's version after it. */
export interface ImportResult {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
  version: number;
}

/**
 * Names and codes compared as the lists sort them and as their unique indexes compare them
 * (catalog_order, migration 0012): Spanish, case and accents ignored, ñ distinct from n.
 */
const catalogOrder = new Intl.Collator('es', { sensitivity: 'base' });
const sameName = (a: string, b: string) => catalogOrder.compare(a.normalize('NFC').trim(), b.normalize('NFC').trim()) === 0;

/**
 * `PUT /imports/price-lists/<id>`: the file's rows become entries (merge), and in `replace` mode
 * the visible entries the file does not name are removed; entries the viewer cannot see are
 * never touched. All or nothing: every bad row is reported and nothing changes. Visibility,
 * permission and `If-Match` are checked as for setPriceListEntries.
 */
export async function importPriceListEntries(
  ctx: RequestContext,
  priceListId: string,
  sheet: ImportSheet,
  mode: 'merge' | 'replace',
  ifMatch: number | null,
): Promise<ImportResult> {
  const scope = requireTenant(ctx.viewer);
  const list = await listToChange(ctx, priceListId);
  if (ifMatch !== null && ifMatch !== list.version) throw new StaleImportError(list.version);
  const { entries } = repositories(ctx);

  // Everything the rows name, read in a fixed number of statements.
  const ids = sheet.rows.map((row) => row.cells.serviceId ?? '').filter(isUuid);
  const codes = sheet.rows.filter((row) => !row.cells.serviceId && row.cells.code).map((row) => row.cells.code!);
  const [byId, byCode, tenants] = await Promise.all([
    Promise.all(ids.map((id) => ctx.loaders.service.load(id))),
    ctx.repositories.services.findVisibleByCode([...new Set(codes)]),
    ctx.loaders.organizationTenants(),
  ]);
  const services = new Map(byId.filter((service) => service !== null).map((service) => [service!.id, service!]));
  const clinics = tenants.filter((tenant) => tenant.kind === 'CLINIC');

  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  const upserts: (EntryKey & { price: string })[] = [];
  for (const { row, cells } of sheet.rows) {
    const fail = (column: PriceListColumn, message: string) => errors.push({ row, column: columnName(column), message });
    const failures = errors.length;
    let serviceId: string | null = null;
    const keyColumn: PriceListColumn = cells.serviceId ? 'serviceId' : 'code';
    if (cells.serviceId) {
      serviceId = services.get(cells.serviceId)?.id ?? null;
      if (serviceId === null) fail('serviceId', `No service ${cells.serviceId} that the list's owner sees`);
    } else if (cells.code) {
      const matches = byCode.filter((service) => sameName(service.code!, cells.code!) || service.code === cells.code);
      if (matches.length === 0) fail('code', `No service with code "${cells.code}" that the list's owner sees`);
      else if (matches.length > 1) fail('code', `ambiguous code: use service_id ("${cells.code}" names ${matches.length} services)`);
      else serviceId = matches[0].id;
    } else {
      fail(sheet.columns.has('serviceId') ? 'serviceId' : 'code', 'A service_id or a code is required');
    }
    let clinicTenantId: string | null = null;
    if (cells.clinic) {
      if (list.ownerTenantId !== scope.centralTenantId) {
        fail('clinic', 'Clinic overrides exist only on price lists owned by the central');
      } else {
        const named = clinics.filter((clinic) => clinic.id === cells.clinic || sameName(clinic.name, cells.clinic!));
        if (named.length === 1) clinicTenantId = named[0].id;
        else if (named.length === 0) fail('clinic', `"${cells.clinic}" is not a clinic of the organization`);
        else fail('clinic', `The clinic name "${cells.clinic}" is not unique: use the clinic's id`);
      }
    }
    let price: string | null = null;
    try {
      // "12,50" is the Spanish way of writing 12.50.
      price = decimalInRange('price', (cells.price ?? '').replace(/^(\d+),(\d+)$/, '$1.$2'), '0.00', '999999.99');
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      fail('price', cells.price ? `${error.message}, got "${cells.price}"` : 'A price is required');
    }
    // Only a row that is otherwise good claims its key: a bad clinic or price must not make a later row a repeat.
    if (errors.length === failures) {
      const key = keyOf({ serviceId: serviceId!, clinicTenantId });
      const earlier = seen.get(key);
      if (earlier !== undefined) fail(keyColumn, `Repeats the service and clinic of row ${earlier}`);
      else seen.set(key, row);
    }
    if (errors.length === failures) upserts.push({ serviceId: serviceId!, clinicTenantId, price: price! });
  }
  if (errors.length > 0) throw new ImportRowsError(errors.slice(0, MAX_REPORTED_ROW_ERRORS));

  const removals = mode === 'replace' ? (await entries.allVisible(list.id)).filter((entry) => !seen.has(keyOf(entry))) : [];
  const change = await changeEntries(ctx, list, upserts, removals);
  return { created: change.created, updated: change.updated, removed: change.removed, unchanged: change.unchanged, version: change.list.version };
}

/** An import reports at most this many bad rows (api.md). */
export const MAX_REPORTED_ROW_ERRORS = 100;
