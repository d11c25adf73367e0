import 'reflect-metadata';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';

/**
 * Federation: the types other subgraphs of the suite reference by id (a budget line's package or
 * service). The router asks this service for them through `_entities` (see graphql/subgraph.ts).
 */
export const ENTITY_KEY = '@key(fields: "id")';

export const StatusFilterEnum = { ALL: 'ALL', ACTIVE: 'ACTIVE', INACTIVE: 'INACTIVE' } as const;
export type StatusFilter = keyof typeof StatusFilterEnum;
registerEnumType(StatusFilterEnum, { name: 'StatusFilter' });

export const SortDirectionEnum = { ASC: 'ASC', DESC: 'DESC' } as const;
export type SortDirection = keyof typeof SortDirectionEnum;
registerEnumType(SortDirectionEnum, { name: 'SortDirection' });

/** Other subgraphs define the same Relay page info: `@shareable` lets both resolve it. */
@Directive('@shareable')
@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

type NodeClass<T> = new () => T;

/** `<Node>Edge` of a keyset list: a node and its opaque cursor. */
export function EdgeOf<T extends object>(Node: NodeClass<T>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Edge {
    @Field()
    cursor: string;

    @Field(() => Node)
    node: T;
  }
  return Edge;
}

/** `<Node>Connection`: one page of a keyset list; `totalCount` is resolved by each list, only when asked. */
export function ConnectionOf<T extends object, E extends object>(Node: NodeClass<T>, Edge: NodeClass<E>) {
  @ObjectType({ simpleResolvers: true })
  abstract class Connection {
    @Field(() => [Edge])
    edges: E[];

    @Field(() => [Node])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return Connection;
}
