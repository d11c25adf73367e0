import { Field, ObjectType, registerEnumType } from 'type-graphql';

export const StatusFilterEnum = { ALL: 'ALL', ACTIVE: 'ACTIVE', INACTIVE: 'INACTIVE' } as const;
export type StatusFilter = keyof typeof StatusFilterEnum;
registerEnumType(StatusFilterEnum, { name: 'StatusFilter' });

export const SortDirectionEnum = { ASC: 'ASC', DESC: 'DESC' } as const;
export type SortDirection = keyof typeof SortDirectionEnum;
registerEnumType(SortDirectionEnum, { name: 'SortDirection' });

@ObjectType()
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
