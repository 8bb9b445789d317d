import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  TypeInfo,
  getDirectiveValues,
  isAbstractType,
  isObjectType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
} from 'graphql';
import { isPersonalField } from './personal-data';

/** What an operation asks for that the audit log records, read from the document alone. */
export interface AuditedFields {
  /** `Type.field` of every personal-data field the operation selects, sorted. */
  personal: string[];
  /** Root fields of a mutation, sorted; empty for queries and subscriptions. */
  mutationFields: string[];
}

/**
 * The personal-data fields (and mutation root fields) an operation selects, found by walking its
 * selection set and the fragments it spreads. Read from the document rather than from the fields
 * that ran, because a field whose parent was refused (FORBIDDEN) or failed upstream never runs,
 * yet the request was still an attempt to reach it.
 *
 * Linear in the document's size: each fragment is walked once however often it is spread (a
 * fragment's type condition fixes the types inside it, so one walk serves every spread), and
 * graphql's `visit` is iterative, so deep nesting cannot overflow the stack. Fields left out by
 * `@skip`/`@include` are not attempts and are not counted; a directive whose variable cannot be
 * read counts as included, so an attempt is never missed.
 */
export function auditedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): AuditedFields {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    // The first of two same-named fragments wins, like graphql's execution (validation refuses both).
    if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d);
  }
  const mutationType = operation.operation === 'mutation' ? schema.getMutationType() : null;
  const personal = new Set<string>();
  const mutationFields = new Set<string>();
  const queued = new Set<string>();
  const pending: Array<OperationDefinitionNode | FragmentDefinitionNode> = [operation];

  const skipped = (node: FieldNode | InlineFragmentNode | FragmentSpreadNode): boolean => {
    if (!node.directives?.length) return false;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return true;
      return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false;
    } catch {
      return false;
    }
  };

  for (let def = pending.pop(); def; def = pending.pop()) {
    const typeInfo = new TypeInfo(schema);
    visit(
      def,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          if (skipped(node)) return false;
          const parent = typeInfo.getParentType();
          if (mutationType && parent === mutationType) mutationFields.add(node.name.value);
          // On an interface or union, the field is personal where any type it can be marks it so.
          const candidates = parent && isAbstractType(parent) ? schema.getPossibleTypes(parent) : parent && isObjectType(parent) ? [parent] : [];
          for (const t of candidates) {
            if (isPersonalField(t.getFields()[node.name.value])) personal.add(`${t.name}.${node.name.value}`);
          }
          return undefined;
        },
        InlineFragment(node) {
          return skipped(node) ? false : undefined;
        },
        FragmentSpread(node) {
          const name = node.name.value;
          const fragment = fragments.get(name);
          if (!skipped(node) && fragment && !queued.has(name)) {
            queued.add(name);
            pending.push(fragment);
          }
        },
      }),
    );
  }
  return { personal: [...personal].sort(), mutationFields: [...mutationFields].sort() };
}
