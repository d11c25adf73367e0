import 'reflect-metadata';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';

/**
 * Federation: the types other subgraphs of the suite reference by id (a budget line's package or
 * service). The router asks this service for them through `_entities` (see graphql/subgraph.ts).
 */
export const ENTITY_KEY = '@key(fields: "id")';

export const StatusFilterEnum = { ALL: 'ALL', ACTIVE: 'ACTIVE', INACTIVE: 'INACTIVE' } as const;
export type StatusFilter = keyof typeof StatusFilterEnum;
registerEnumType(StatusFilterEnum, {
  name: 'StatusFilter',
  description: 'Which rows a list shows by their status (Todos / Activos / Desactivados).',
  valuesConfig: {
    ALL: { description: 'Active and deactivated rows (Todos).' },
    ACTIVE: { description: 'Only active rows (Activos).' },
    INACTIVE: { description: 'Only deactivated rows (Desactivados, dados de baja).' },
  },
});

export const SortDirectionEnum = { ASC: 'ASC', DESC: 'DESC' } as const;
export type SortDirection = keyof typeof SortDirectionEnum;
registerEnumType(SortDirectionEnum, {
  name: 'SortDirection',
  description: 'Order of a sorted list; rows with equal sort values are ordered by id, in the same direction.',
  valuesConfig: {
    ASC: { description: 'Ascending: A to Z (case and accents ignored), lowest first, oldest first.' },
    DESC: { description: 'Descending: Z to A, highest first, newest first.' },
  },
});

/** Other subgraphs define the same Relay page info: `@shareable` lets both resolve it. */
@Directive('@shareable')
@ObjectType({ simpleResolvers: true, description: 'Where a page of a keyset list stands; pass `endCursor` as `after` to read the next page.' })
export class PageInfo {
  @Field({ description: 'Whether rows follow this page (read them with `after: endCursor`).' })
  hasNextPage: boolean;

  @Field({ description: 'Whether this page was read with `after` (rows come before it).' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first row of the page; null when the page is empty.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'The cursor of the last row of the page; null when the page is empty.' })
  endCursor: string | null;
}

type NodeClass<T> = new () => T;

/** `<Node>Edge` of a keyset list: a node and its opaque cursor. */
export function EdgeOf<T extends object>(Node: NodeClass<T>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Edge {
    @Field({ description: 'Opaque position of this row in its list and ordering, for `after`; valid only with the same ordering.' })
    cursor: string;

    @Field(() => Node, { description: 'The row.' })
    node: T;
  }
  return Edge;
}

/** `<Node>Connection`: one page of a keyset list; `totalCount` is resolved by each list, only when asked. */
export function ConnectionOf<T extends object, E extends object>(Node: NodeClass<T>, Edge: NodeClass<E>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Connection {
    @Field(() => [Edge], { description: 'The rows of this page with their cursors, in list order.' })
    edges: E[];

    @Field(() => [Node], { description: 'The rows of this page, in list order (the same as `edges`, without cursors).' })
    nodes: T[];

    @Field(() => PageInfo, { description: 'Whether more rows follow, and the cursors to read them.' })
    pageInfo: PageInfo;
  }
  return Connection;
}
