import type { EntitySchema } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isUuid } from '../auth/token';
import { EntityRows, NamedParams, type AskedFields } from '../db/rows';
import type { RequestTransaction } from '../request/request-transaction';
import type { TenantScope } from '../tenancy/viewer';
import { visibleRowSql } from '../tenancy/visibility';

/**
 * What the repositories of services and packages share: rows a tenant owns and may share, found
 * only when the viewer may see them (`canSee`'s SQL twin), written only once found.
 */
export abstract class OwnedRowRepository<T extends { id: string; organizationId: string; ownerTenantId: string }> {
  protected readonly rows: EntityRows<T>;

  protected constructor(
    protected readonly tx: RequestTransaction,
    protected readonly scope: TenantScope,
    private readonly entity: EntitySchema<T>,
    /** The table's alias in every statement, also in the list queries' SQL. */
    private readonly alias: string,
    /** What the request's query asks for (`Repositories.askedFor`): its hot reads take only the columns needed. */
    protected readonly asked: () => AskedFields,
  ) {
    this.rows = new EntityRows(entity);
  }

  /** The rows of these ids that the viewer sees, in the ids' order; null for the others (malformed ids included). */
  async findVisible(ids: readonly string[]): Promise<(T | null)[]> {
    const known = ids.filter(isUuid);
    if (known.length === 0) return ids.map(() => null);
    const params = new NamedParams();
    const found = await this.visible(params).andWhere(`${this.alias}.id = ANY(${params.add(known)}::uuid[])`).setParameters(params.values).getMany();
    const byId = new Map(found.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** A row the viewer sees, locked for the rest of the transaction so that changes to it queue up; null when unseen. */
  async lockVisible(id: string): Promise<T | null> {
    if (!isUuid(id)) return null;
    const params = new NamedParams();
    return this.visible(params)
      .andWhere(`${this.alias}.id = ${params.add(id)}`)
      .setParameters(params.values)
      .setLock('for_no_key_update')
      .getOne();
  }

  /** A new row owned by the viewer's tenant. */
  protected async insertOwned(fields: QueryDeepPartialEntity<T>): Promise<T> {
    const result = await this.tx.manager
      .createQueryBuilder()
      .insert()
      .into(this.entity)
      .values({ ...fields, organizationId: this.scope.organizationId, ownerTenantId: this.scope.tenantId } as QueryDeepPartialEntity<T>)
      .returning('*')
      .updateEntity(false)
      .execute();
    return this.rows.read(result.raw[0]);
  }

  /** Writes `values` to a row a finder returned, when `condition` holds; null when it did not (nothing written). */
  protected async write(
    current: { id: string },
    values: QueryDeepPartialEntity<T>,
    condition = 'true',
    parameters: Record<string, unknown> = {},
  ): Promise<T | null> {
    const result = await this.tx.manager
      .createQueryBuilder()
      .update(this.entity)
      .set(values)
      .where(`organization_id = :organizationId AND id = :id AND ${condition}`, {
        ...parameters,
        organizationId: this.scope.organizationId,
        id: current.id,
      })
      .returning('*')
      .updateEntity(false)
      .execute();
    const [row] = result.raw as Record<string, unknown>[];
    return row ? this.rows.read(row) : null;
  }

  /** Bumps the version and the update time along with `values`. */
  protected edit(current: { id: string }, values: QueryDeepPartialEntity<T>, condition?: string, parameters?: Record<string, unknown>) {
    return this.write(current, { ...values, version: () => 'version + 1', updatedAt: () => 'now()' }, condition, parameters);
  }

  /** Deactivates or reactivates; null when the row already was in that state (nothing written). */
  protected switchActive(current: { id: string }, active: boolean): Promise<T | null> {
    return this.edit(current, { active, deactivatedAt: () => (active ? 'NULL' : 'now()') } as QueryDeepPartialEntity<T>, 'active <> :active', {
      active,
    });
  }

  /** The visible rows of the viewer's organization, for TypeORM's query builder. */
  private visible(params: NamedParams) {
    return this.tx.manager
      .createQueryBuilder(this.entity, this.alias)
      .where(`${this.alias}.organization_id = ${params.add(this.scope.organizationId)}`)
      .andWhere(visibleRowSql(this.scope, this.alias, params));
  }
}
