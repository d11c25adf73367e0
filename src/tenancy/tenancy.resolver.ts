import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { conflictWhenTaken } from '../db/errors';
import { recordClinicSharingChange } from '../changes/catalog-event.recorder';
import { Atomic } from '../graphql/atomic';
import type { Gate } from '../graphql/auth-checker';
import type { RequestContext } from '../request/context';
import { currencyCode, ianaTimeZone, requiredName } from '../validation';
import { canChangeClinicSharing } from './permissions';
import { ClinicSharingEnum, Organization, ProvisionOrganizationInput, Tenant, ViewerInfo } from './tenancy.types';
import { requireTenant, type ClinicSharing } from './viewer';

const uniqueTenantName = <T>(work: () => Promise<T>): Promise<T> =>
  conflictWhenTaken(new ConflictError('A tenant with that name already exists in the organization', 'name'), work);

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, {
    description: "The viewer's organization. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN.",
  })
  async organization(@Ctx() ctx: RequestContext): Promise<Organization> {
    const scope = requireTenant(ctx.viewer);
    const organization = await ctx.repositories.tenancy.findVisibleOrganization(scope.organizationId);
    if (!organization) throw new NotFoundError('Organization');
    return organization;
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'Null for a standalone clinic.' })
  async central(@Root() organization: Organization, @Ctx() ctx: RequestContext): Promise<Tenant | null> {
    return (await this.tenantsOf(organization, ctx)).find((tenant) => tenant.kind === 'CENTRAL') ?? null;
  }

  @FieldResolver(() => [Tenant], { description: 'Central first, then clinics by name.' })
  tenants(@Root() organization: Organization, @Ctx() ctx: RequestContext): Promise<readonly Tenant[]> {
    return this.tenantsOf(organization, ctx);
  }

  private tenantsOf(organization: Organization, ctx: RequestContext): Promise<readonly Tenant[]> {
    return ctx.repositories.tenancy.visibleTenants(organization.id);
  }

  @Mutation(() => Organization, {
    description:
      'Sets whether clinics see what other clinics share. Central administrators only: anyone else (clinics, STAFF, platform administrators) gets FORBIDDEN.',
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  async updateClinicSharing(
    @Arg('mode', () => ClinicSharingEnum, { description: 'The new sharing mode.' }) mode: ClinicSharing,
    @Ctx() ctx: RequestContext,
  ): Promise<Organization> {
    const scope = requireTenant(ctx.viewer);
    if (!canChangeClinicSharing(ctx.viewer)) {
      throw new ForbiddenError("Only the central's administrators can change how clinics share");
    }
    const changed = await ctx.repositories.tenancy.updateClinicSharing(mode);
    if (!changed) return (await ctx.repositories.tenancy.findVisibleOrganization(scope.organizationId))!;
    await recordClinicSharingChange(ctx, changed.organization, changed.version);
    return changed.organization;
  }

  @Mutation(() => Organization, {
    description:
      'Creates an organization with its central and clinics. Platform administrators only (anyone else: FORBIDDEN). BAD_USER_INPUT on `name`, `currency`, `centralName`, `clinicNames` or `clinicNames[i]`; CONFLICT on `name` when two of its tenants would share a name.',
  })
  @Authorized<Gate>('PLATFORM_ADMIN')
  @UseMiddleware(Atomic)
  async provisionOrganization(
    @Arg('input', () => ProvisionOrganizationInput, { description: 'The organization and its tenants.' }) input: ProvisionOrganizationInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Organization> {
    const name = requiredName('name', input.name);
    const currency = currencyCode('currency', input.currency);
    const timeZone = ianaTimeZone('timeZone', input.timeZone);
    const centralName =
      input.centralName === null || input.centralName === undefined ? null : requiredName('centralName', input.centralName);
    if (input.clinicNames.length === 0) {
      throw new BadUserInputError('clinicNames', 'clinicNames must name at least one clinic');
    }
    if (input.clinicNames.length > 300) throw new BadUserInputError('clinicNames', 'clinicNames may name at most 300 clinics');
    const clinicNames = input.clinicNames.map((clinic, index) => requiredName(`clinicNames[${index}]`, clinic));
    if (centralName === null && clinicNames.length > 1) {
      throw new BadUserInputError('centralName', 'An organization with several clinics needs a central (centralName)');
    }
    const organization = await ctx.repositories.tenancy.insertOrganization({ name, currency, timeZone, clinicSharing: input.clinicSharing });
    await uniqueTenantName(async () => {
      if (centralName !== null) await ctx.repositories.tenancy.insertTenant(organization, centralName, 'CENTRAL');
      for (const clinic of clinicNames) await ctx.repositories.tenancy.insertTenant(organization, clinic, 'CLINIC');
    });
    return organization;
  }
}

@Resolver(() => ViewerInfo)
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'Who is asking. Any valid token, platform administrators included.' })
  me(@Ctx() ctx: RequestContext): ViewerInfo {
    const { viewer } = ctx;
    return {
      userId: viewer.userId,
      roles: viewer.roles,
      tenantId: viewer.scope?.tenantId ?? null,
      organizationId: viewer.scope?.organizationId ?? null,
    };
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'Null for a platform administrator.' })
  tenant(@Root() info: ViewerInfo, @Ctx() ctx: RequestContext): Promise<Tenant | null> | null {
    return info.tenantId ? ctx.loaders.tenant.load(info.tenantId) : null;
  }

  @FieldResolver(() => Organization, { nullable: true, description: "The tenant's organization; null for a platform administrator." })
  organization(@Root() info: ViewerInfo, @Ctx() ctx: RequestContext): Promise<Organization | null> | null {
    return info.organizationId ? ctx.repositories.tenancy.findVisibleOrganization(info.organizationId) : null;
  }
}

@Resolver(() => Tenant)
export class TenantResolver {
  @Mutation(() => Tenant, {
    description:
      'Adds a clinic to a chain. Platform administrators only (anyone else: FORBIDDEN). BAD_USER_INPUT on `name`; NOT_FOUND when the organization does not exist; BAD_USER_INPUT on `organizationId` for a standalone clinic (no central); CONFLICT on `name` when a tenant of the organization has it.',
  })
  @Authorized<Gate>('PLATFORM_ADMIN')
  @UseMiddleware(Atomic)
  async addClinic(
    @Arg('organizationId', () => ID, { description: 'The chain to add to.' }) organizationId: string,
    @Arg('name', { description: 'The clinic\'s name, 1-120 characters, trimmed; unique in the organization, case and accents ignored.' }) name: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Tenant> {
    const clinicName = requiredName('name', name);
    const organization = await ctx.repositories.tenancy.findVisibleOrganization(organizationId);
    if (!organization) throw new NotFoundError('Organization');
    const tenants = await ctx.repositories.tenancy.visibleTenants(organization.id);
    if (!tenants.some((tenant) => tenant.kind === 'CENTRAL')) {
      throw new BadUserInputError('organizationId', 'A standalone clinic has no central: clinics can only be added to a chain');
    }
    return uniqueTenantName(() => ctx.repositories.tenancy.insertTenant(organization, clinicName, 'CLINIC'));
  }
}
