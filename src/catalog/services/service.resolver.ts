import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { Atomic } from '../../graphql/atomic';
import { selects } from '../../graphql/selection';
import type { Gate } from '../../graphql/auth-checker';
import type { RequestContext } from '../../request/context';
import { canChangeRow } from '../../tenancy/permissions';
import { OriginEnum, Tenant } from '../../tenancy/tenancy.types';
import { requireTenant } from '../../tenancy/viewer';
import { originOf, type Origin } from '../../tenancy/visibility';
import { idList, optionalText } from '../../validation';
import { pageRequest, searchTerm, toPage } from '../pagination';
import * as operations from './service.operations';
import { SERVICE_SORT_KEYS, type ServiceListFilter } from './service.repository';
import { CreateServiceInput, Service, ServiceConnection, ServiceFilter, ServiceOrder, UpdateServiceInput } from './service.types';

/** How many ids `ServiceFilter.ids` may hold (api.md "Errors and limits"). */
const MAX_FILTER_IDS = 100;

/** What `totalCount` needs: the count the page's statement carried, or the filter to count the same matches later. */
type ServicePage = ServiceConnection & { filter: ServiceListFilter; totalCount: number | null };

@Resolver(() => Service)
export class ServiceResolver {
  @Query(() => Service, {
    nullable: true,
    description:
      'A service the viewer sees. Null when it does not exist or the viewer may not see it (the two are never told apart). Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN.',
  })
  service(@Arg('id', () => ID, { description: 'The service id; an id that is not a UUID finds nothing.' }) id: string, @Ctx() ctx: RequestContext): Promise<Service | null> {
    return operations.findVisibleService(ctx, id);
  }

  @Query(() => ServiceConnection, {
    description:
      'The services the viewer sees (own, shared by the central, and with BETWEEN_CLINICS shared by other clinics), one page at a time. `first` is 1-100. Tenant users (ADMIN or STAFF); a platform administrator gets FORBIDDEN. BAD_USER_INPUT on `first`, `after`, `ids`, `search` or `family`.',
  })
  async services(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => ServiceFilter, { nullable: true, description: 'Which services; null: every service the viewer sees.' })
    filter?: ServiceFilter | null,
    @Arg('orderBy', () => ServiceOrder, { nullable: true, description: 'Null: by name ascending.' }) orderBy?: ServiceOrder | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Page size, 1-100 (BAD_USER_INPUT on `first`).' })
    first?: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description:
        'The `endCursor` of the previous page, read with the same `orderBy`; null for the first page. Any other string is BAD_USER_INPUT on `after`.',
    })
    after?: string | null,
  ): Promise<ServicePage> {
    const key = SERVICE_SORT_KEYS[orderBy?.field ?? 'NAME'];
    const page = pageRequest(first, after, key, orderBy?.direction ?? 'ASC');
    const listFilter: ServiceListFilter = {
      ids: idList('ids', filter?.ids, MAX_FILTER_IDS),
      search: searchTerm(filter?.search),
      status: filter?.status ?? 'ALL',
      origin: filter?.origin ?? null,
      family: optionalText('family', filter?.family, 80),
      odontogramScope: filter?.odontogramScope ?? null,
    };
    const listed = await ctx.repositories.services.list(listFilter, key, page, selects(info, 'totalCount'));
    for (const { node } of listed.rows) ctx.loaders.service.prime(node.id, node);
    return { ...toPage(listed.rows, page, key), filter: listFilter, totalCount: listed.totalCount };
  }

  @FieldResolver(() => Tenant, { description: 'The tenant that created the service and alone may change it.' })
  owner(@Root() service: Service, @Ctx() ctx: RequestContext): Tenant | Promise<Tenant> {
    return ctx.loaders.tenantOf(service.ownerTenantId) as Tenant | Promise<Tenant>;
  }

  @FieldResolver(() => OriginEnum, { description: "Whose the service is, seen from the viewer's tenant." })
  origin(@Root() service: Service, @Ctx() ctx: RequestContext): Origin {
    return originOf(requireTenant(ctx.viewer), service.ownerTenantId);
  }

  @FieldResolver(() => Boolean, {
    description: "Whether the viewer may update, deactivate or reactivate the service: the owner's administrators only.",
  })
  viewerCanEdit(@Root() service: Service, @Ctx() ctx: RequestContext): boolean {
    return canChangeRow(ctx.viewer, service);
  }

  @Mutation(() => Service, {
    description:
      "Creates a service owned by the viewer's tenant. Any ADMIN of a tenant (STAFF and platform administrators: FORBIDDEN). BAD_USER_INPUT on `name`, `code`, `family`, `price`, `taxRate` or `durationMinutes`; CONFLICT on `code` when another service of the tenant has it.",
  })
  @Authorized<Gate>('TENANT_ADMIN')
  @UseMiddleware(Atomic)
  createService(@Arg('input', () => CreateServiceInput, { description: 'The new service.' }) input: CreateServiceInput, @Ctx() ctx: RequestContext): Promise<Service> {
    return operations.createService(ctx, input);
  }

  @Mutation(() => Service, {
    description:
      "Changes a service's fields. The owner's ADMIN only. NOT_FOUND when the viewer does not see the service; FORBIDDEN when it sees it but may not change it (another tenant's service, STAFF); `expectedVersion`, when given, must equal the stored version, else CONFLICT on `expectedVersion`; BAD_USER_INPUT on `name`, `code`, `family`, `price`, `taxRate` or `durationMinutes`; CONFLICT on `code` when taken. Raises `version` by 1.",
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  updateService(
    @Arg('id', () => ID, { description: 'The service to change.' }) id: string,
    @Arg('input', () => UpdateServiceInput, { description: 'The fields to change; absent fields stay as they are.' }) input: UpdateServiceInput,
    @Ctx() ctx: RequestContext,
    @Arg('expectedVersion', () => Int, { nullable: true, description: 'The version the change was made on; null: no check.' })
    expectedVersion?: number | null,
  ): Promise<Service> {
    return operations.updateService(ctx, id, input, expectedVersion);
  }

  @Mutation(() => Service, {
    description:
      "Deactivates (dar de baja) or reactivates a service. The owner's ADMIN only: NOT_FOUND when the viewer does not see it, FORBIDDEN when it sees it but may not change it. Setting the state it already has changes nothing (the version stays).",
  })
  @Authorized<Gate>('TENANT')
  @UseMiddleware(Atomic)
  setServiceActive(
    @Arg('id', () => ID, { description: 'The service.' }) id: string,
    @Arg('active', { description: 'False deactivates, true reactivates.' }) active: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<Service> {
    return operations.setServiceActive(ctx, id, active);
  }
}

@Resolver(() => ServiceConnection)
export class ServiceConnectionResolver {
  @FieldResolver(() => Int, { description: 'All matches of the filter, not only this page.' })
  totalCount(@Root() page: ServicePage, @Ctx() ctx: RequestContext): number | Promise<number> {
    return page.totalCount ?? ctx.repositories.services.count(page.filter);
  }
}
