import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { Atomic } from '../../graphql/atomic';
import type { RequestContext } from '../../request/context';
import { canChangeRow } from '../../tenancy/permissions';
import { OriginEnum, Tenant } from '../../tenancy/tenancy.types';
import { requireTenant } from '../../tenancy/viewer';
import { originOf, type Origin } from '../../tenancy/visibility';
import { optionalText } from '../../validation';
import { pageRequest, searchTerm, toPage } from '../pagination';
import * as operations from './service.operations';
import { countServices, listServices, SERVICE_SORT_KEYS, type ServiceListFilter } from './service.store';
import { CreateServiceInput, Service, ServiceConnection, ServiceFilter, ServiceOrder, UpdateServiceInput } from './service.types';

/** What `totalCount` needs to count the same matches later, only when asked for. */
type ServicePage = ServiceConnection & { filter: ServiceListFilter };

@Resolver(() => Service)
export class ServiceResolver {
  @Query(() => Service, { nullable: true, description: 'Null when it does not exist or the viewer may not see it.' })
  service(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Service | null> {
    return operations.findVisibleService(ctx, id);
  }

  @Query(() => ServiceConnection, { description: '`first` is 1-100.' })
  async services(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ServiceFilter, { nullable: true }) filter?: ServiceFilter | null,
    @Arg('orderBy', () => ServiceOrder, { nullable: true }) orderBy?: ServiceOrder | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ServicePage> {
    const scope = requireTenant(ctx.viewer);
    const key = SERVICE_SORT_KEYS[orderBy?.field ?? 'NAME'];
    const page = pageRequest(first, after, key, orderBy?.direction ?? 'ASC');
    const listFilter: ServiceListFilter = {
      search: searchTerm(filter?.search),
      status: filter?.status ?? 'ALL',
      origin: filter?.origin ?? null,
      family: optionalText('family', filter?.family, 80),
      odontogramScope: filter?.odontogramScope ?? null,
    };
    const rows = await listServices(ctx.tx, scope, listFilter, key, page);
    for (const { node } of rows) ctx.loaders.service.prime(node.id, node);
    return { ...toPage(rows, page, key), filter: listFilter };
  }

  @FieldResolver(() => Tenant)
  owner(@Root() service: Service, @Ctx() ctx: RequestContext): Tenant | Promise<Tenant> {
    return ctx.loaders.tenantOf(service.ownerTenantId) as Tenant | Promise<Tenant>;
  }

  @FieldResolver(() => OriginEnum)
  origin(@Root() service: Service, @Ctx() ctx: RequestContext): Origin {
    return originOf(requireTenant(ctx.viewer), service.ownerTenantId);
  }

  @FieldResolver(() => Boolean)
  viewerCanEdit(@Root() service: Service, @Ctx() ctx: RequestContext): boolean {
    return canChangeRow(ctx.viewer, service);
  }

  @Mutation(() => Service)
  @UseMiddleware(Atomic)
  createService(@Arg('input', () => CreateServiceInput) input: CreateServiceInput, @Ctx() ctx: RequestContext): Promise<Service> {
    return operations.createService(ctx, input);
  }

  @Mutation(() => Service, { description: '`expectedVersion`, when given, must equal the stored version, else CONFLICT.' })
  @UseMiddleware(Atomic)
  updateService(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateServiceInput) input: UpdateServiceInput,
    @Ctx() ctx: RequestContext,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion?: number | null,
  ): Promise<Service> {
    return operations.updateService(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Service)
  @UseMiddleware(Atomic)
  setServiceActive(@Arg('id', () => ID) id: string, @Arg('active') active: boolean, @Ctx() ctx: RequestContext): Promise<Service> {
    return operations.setServiceActive(ctx, id, active);
  }
}

@Resolver(() => ServiceConnection)
export class ServiceConnectionResolver {
  @FieldResolver(() => Int, { description: 'All matches of the filter, not only this page.' })
  totalCount(@Root() page: ServicePage, @Ctx() ctx: RequestContext): Promise<number> {
    return countServices(ctx.tx, requireTenant(ctx.viewer), page.filter);
  }
}
