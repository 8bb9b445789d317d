import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type';

/**
 * Builds a Relay connection type (`XConnection` with `edges { cursor node }`, `pageInfo`,
 * `totalCount`) for a node type. Called once per node type at module load, never in tests.
 */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { nullable: true, description: 'Total matching items, where the upstream tells it (Picqer does not: null).' })
    totalCount!: number | null;
  }
  return ConnectionType;
}

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount: number | null;
}
