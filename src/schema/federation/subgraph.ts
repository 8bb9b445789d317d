import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  Kind,
  isObjectType,
  parse,
  visit,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { createResolversMap } from 'type-graphql';
import { scopesOf } from '../common/lean-resolvers';

/**
 * The federation spec version the schema links to. 2.5 is the first with `@requiresScopes`; a
 * router that knows an older version refuses the `@link` rather than ignoring the scopes.
 */
export const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.5';

/** The `@link` that makes the SDL a Federation 2 subgraph, with the directives it uses. */
export const FEDERATION_LINK = `extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key", "@requiresScopes"])`;

/** `__resolveReference` per entity type: what the router's `_entities` calls for each representation. */
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: Record<string, unknown>, context: never, info: never) => unknown }>;

/**
 * The code-first schema as type-graphql built it (`@Directive('@key(...)')` on the entity classes),
 * turned into an Apollo Federation 2 subgraph: the same types, fields, resolvers and extensions,
 * plus `_service { sdl }`, `_entities` and the `@link`. One schema serves both clients and a router.
 *
 * Why by SDL: `buildSubgraphSchema` takes type definitions and a resolver map, so the schema is
 * printed with its directives, read back, and type-graphql's resolvers (createResolversMap: field
 * resolvers, subscriptions, enum values, scalars) put on it. What the SDL cannot carry, the field
 * extensions (`scopes`, `personalData`), is copied over afterwards.
 *
 * Every field that needs a scope (`extensions.scopes`, from `@Authorized`) gets
 * `@requiresScopes(scopes: [["a"], ["b"]])` (any one of them, as the gateway checks it), so a router
 * that enforces it refuses early; the gateway still checks its own tokens on every field.
 *
 * Call after leanResolvers (the unwrapped resolvers and the scopes are what is carried over).
 */
export function toSubgraph(schema: GraphQLSchema, references: ReferenceResolvers): GraphQLSchema {
  const typeDefs = withScopeDirectives(parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`), schema);
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [type, r] of Object.entries(references)) {
    if (!isObjectType(schema.getType(type))) throw new Error(`Reference resolver for "${type}": no object type of that name in the schema.`);
    resolvers[type] = { ...(resolvers[type] as object), ...r } as GraphQLResolverMap<unknown>[string];
  }
  const subgraph = buildSubgraphSchema({ typeDefs, resolvers });
  copyFieldExtensions(schema, subgraph);
  return subgraph;
}

/** The document with `@requiresScopes` on every field definition whose field needs a scope. */
function withScopeDirectives(doc: DocumentNode, schema: GraphQLSchema): DocumentNode {
  const addTo = (node: ObjectTypeDefinitionNode): ObjectTypeDefinitionNode => {
    const type = schema.getType(node.name.value);
    if (!isObjectType(type)) return node;
    const fields = node.fields?.map((f): FieldDefinitionNode => {
      const scopes = type.getFields()[f.name.value] && scopesOf(type.getFields()[f.name.value]);
      return scopes ? { ...f, directives: [...(f.directives ?? []), requiresScopes(scopes)] } : f;
    });
    return { ...node, fields };
  };
  return visit(doc, { ObjectTypeDefinition: addTo, ObjectTypeExtension: (n) => addTo(n as unknown as ObjectTypeDefinitionNode) });
}

/** `@requiresScopes(scopes: [["a"], ["b"]])`: the outer list is "any of", as `@Authorized("a", "b")` reads. */
function requiresScopes(scopes: readonly string[]): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: 'requiresScopes' },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'scopes' },
        value: {
          kind: Kind.LIST,
          values: scopes.map((s) => ({ kind: Kind.LIST, values: [{ kind: Kind.STRING, value: s }] })),
        },
      },
    ],
  };
}

/** Field extensions (scopes, personal data) of the type-graphql schema onto the subgraph's fields. */
function copyFieldExtensions(from: GraphQLSchema, to: GraphQLSchema): void {
  for (const type of Object.values(from.getTypeMap())) {
    const target = to.getType(type.name);
    if (!isObjectType(type) || !isObjectType(target)) continue;
    const fields = target.getFields();
    for (const field of Object.values(type.getFields())) {
      const into = fields[field.name];
      if (into && Object.keys(field.extensions).length) into.extensions = { ...field.extensions, ...into.extensions };
    }
  }
}
