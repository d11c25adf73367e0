import type { EntitySchema, EntitySchemaColumnOptions } from 'typeorm';
import type { BindParams } from '../tenancy/visibility';

/**
 * The GraphQL field names a query's document selects (`fieldNamesIn`), or null where reads take
 * whole rows (mutations, whose change records snapshot them, and routes other than GraphQL).
 */
export type AskedFields = ReadonlySet<string> | null;

/**
 * An entity's columns as a repository's own SQL selects them, and the mapper that turns such a row
 * into an instance of the entity's class. Both are read from the entity, so the hand-written SQL of
 * the hot paths and TypeORM's hydration map the same columns to the same properties.
 */
export class EntityRows<T> {
  private readonly target: new () => T;
  private readonly columns: { column: string; property: string }[];
  private readonly keysByPrefix = new Map<string, { key: string; property: string }[]>();
  private readonly narrowings = new Map<string, EntityRows<T>>();

  /** `only`: the properties to read, of those the entity selects by default (all of them when not given). */
  constructor(
    private readonly entity: EntitySchema<T>,
    only?: (property: string) => boolean,
  ) {
    this.target = entity.options.target as new () => T;
    this.columns = (Object.entries(entity.options.columns) as [string, EntitySchemaColumnOptions][])
      .filter(([property, options]) => options?.select !== false && (!only || only(property)))
      .map(([property, options]) => ({ property, column: options?.name ?? property }));
  }

  /**
   * The mapper for a read that needs only the properties in `always` and those named in `asked`
   * (the GraphQL fields a query selects, see `fieldNamesIn`): the other columns are neither selected
   * nor set. Null `asked` (not known, or a mutation's read): this mapper, every column.
   */
  narrowed(always: readonly (keyof T & string)[], asked: AskedFields): EntityRows<T> {
    if (!asked) return this;
    const wanted = (property: string) => (always as readonly string[]).includes(property) || asked.has(property);
    const key = this.columns.map(({ property }) => (wanted(property) ? property : '')).join();
    let narrowed = this.narrowings.get(key);
    if (!narrowed) {
      narrowed = new EntityRows(this.entity, wanted);
      this.narrowings.set(key, narrowed);
    }
    return narrowed;
  }

  /** `alias.column AS <prefix>column, …`: what `read` reads with the same prefix. */
  select(alias: string, prefix = ''): string {
    return this.columns.map(({ column }) => `${alias}.${column} AS ${prefix}${column}`).join(', ');
  }

  read(row: Record<string, unknown>, prefix = ''): T {
    const instance = new this.target() as Record<string, unknown>;
    for (const { key, property } of this.keysFor(prefix)) instance[property] = row[key];
    return instance as T;
  }

  /** The row keys under a prefix, built once: a page maps a few hundred rows of some twenty columns. */
  private keysFor(prefix: string): { key: string; property: string }[] {
    let keys = this.keysByPrefix.get(prefix);
    if (!keys) {
      keys = this.columns.map(({ column, property }) => ({ key: prefix + column, property }));
      this.keysByPrefix.set(prefix, keys);
    }
    return keys;
  }
}

/** Bind parameters for TypeORM's query builders (`:p1`, `:p2`, …), so they take the visibility predicates too. */
export class NamedParams implements BindParams {
  readonly values: Record<string, unknown> = {};
  private count = 0;

  add(value: unknown): string {
    const name = `p${++this.count}`;
    this.values[name] = value;
    return `:${name}`;
  }
}
