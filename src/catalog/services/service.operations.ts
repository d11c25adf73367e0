import { conflictWhenTaken } from '../../db/errors';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import { Money } from '../../pricing/money';
import type { RequestContext } from '../../request/context';
import { canChangeRow } from '../../tenancy/permissions';
import { requireTenant, requireTenantAdmin } from '../../tenancy/viewer';
import { decimalInRange, integerInRange, optionalText, requiredName } from '../../validation';
import { recordServiceChange } from '../../changes/catalog-event.recorder';
import { changesNothing, expectVersion } from '../versions';
import type { ServiceFields } from './service.repository';
import type { CreateServiceInput, Service, UpdateServiceInput } from './service.types';

/** A service the viewer sees, or null; malformed ids are simply unknown. */
export function findVisibleService(ctx: RequestContext, id: string): Promise<Service | null> {
  requireTenant(ctx.viewer);
  return ctx.loaders.service.load(id);
}

/** The service to change, locked; unseen is NOT_FOUND, seen but not the viewer's to change is FORBIDDEN. */
async function serviceToChange(ctx: RequestContext, id: string): Promise<Service> {
  const service = await ctx.repositories.services.lockVisible(id);
  if (!service) throw new NotFoundError('Service');
  if (!canChangeRow(ctx.viewer, service)) throw new ForbiddenError("Only the owner's administrators can change this service");
  return service;
}

function optionalCode(code: string | null | undefined): string | null {
  return optionalText('code', code, 32);
}

function optionalDuration(minutes: number | null | undefined): number | null {
  return minutes === null || minutes === undefined ? null : integerInRange('durationMinutes', minutes, 1, 1440);
}

const price = (value: string) => decimalInRange('price', value, '0.00', '999999.99');
const taxRate = (value: string) => decimalInRange('taxRate', value, '0.00', '100.00');

/** The exemption text as stored: blank is none, and only a service at 0 % may carry one. */
function taxExemption(value: string | null, rate: string): string | null {
  const text = optionalText('taxExemption', value, 200);
  if (text !== null && Money.of(rate).compare(Money.ZERO) !== 0) {
    throw new BadUserInputError('taxExemption', `taxExemption is only for services at 0% VAT; this one is at ${rate}%`);
  }
  return text;
}

const uniqueCode = <T>(work: () => Promise<T>): Promise<T> =>
  conflictWhenTaken(new ConflictError('Another service of this tenant already has that code', 'code'), work);

export async function createService(ctx: RequestContext, input: CreateServiceInput): Promise<Service> {
  requireTenantAdmin(ctx.viewer);
  const fields: ServiceFields = {
    code: optionalCode(input.code),
    name: requiredName('name', input.name),
    family: optionalText('family', input.family, 80),
    price: price(input.price),
    taxRate: taxRate(input.taxRate),
    taxExemption: taxExemption(input.taxExemption ?? null, taxRate(input.taxRate)),
    durationMinutes: optionalDuration(input.durationMinutes),
    odontogramScope: input.odontogramScope,
    shared: input.shared,
  };
  const service = await uniqueCode(() => ctx.repositories.services.insert(fields));
  await recordServiceChange(ctx, null, service);
  return service;
}

/**
 * Absent fields stay as they are; `null` clears the optional ones (code, family, durationMinutes)
 * and leaves the required ones unchanged.
 */
export async function updateService(
  ctx: RequestContext,
  id: string,
  input: UpdateServiceInput,
  expectedVersion: number | null | undefined,
): Promise<Service> {
  const current = await serviceToChange(ctx, id);
  expectVersion(current.version, expectedVersion);
  const rate = input.taxRate == null ? current.taxRate : taxRate(input.taxRate);
  const next: ServiceFields = {
    code: input.code === undefined ? current.code : optionalCode(input.code),
    name: input.name == null ? current.name : requiredName('name', input.name),
    family: input.family === undefined ? current.family : optionalText('family', input.family, 80),
    price: input.price == null ? current.price : price(input.price),
    taxRate: rate,
    // Checked as the service will be: raising the rate of an exempt service needs its text cleared.
    taxExemption: taxExemption(input.taxExemption === undefined ? current.taxExemption : input.taxExemption, rate),
    durationMinutes: input.durationMinutes === undefined ? current.durationMinutes : optionalDuration(input.durationMinutes),
    odontogramScope: input.odontogramScope ?? current.odontogramScope,
    shared: input.shared ?? current.shared,
  };
  if (changesNothing(current, next)) return current;
  const updated = await uniqueCode(() => ctx.repositories.services.update(current, next));
  await recordServiceChange(ctx, current, updated);
  return updated;
}

export async function setServiceActive(ctx: RequestContext, id: string, active: boolean): Promise<Service> {
  const current = await serviceToChange(ctx, id);
  const updated = await ctx.repositories.services.setActive(current, active);
  if (!updated) return current;
  await recordServiceChange(ctx, current, updated);
  return updated;
}
