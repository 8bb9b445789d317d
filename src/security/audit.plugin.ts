import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, getArgumentValues, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayContext } from '../context';
import { AUDIT_READS, type AuditReadsCarrier } from './audit-reads';
import type { AuditRecord, AuditSink } from './audit-sink';
import { auditedFields, type AuditedFields } from './audited-fields';

/** Argument names of a mutation whose values identify what was changed (not who). */
const ID_ARG = /^(id|ids|productcodes?|[a-z]+Ids?)$/;

/**
 * Writes one audit record for every mutation and every operation that selects a personal-data
 * field, whatever became of it: read (`ok`), refused (`denied`: a missing scope, on the field or
 * on a parent), failed (`error`/`partial`: upstream down, rate limit, limits). Which fields were
 * asked for comes from the document (audited-fields.ts), since a refused or failed parent means
 * the personal field's resolver never runs; which objects were read comes from the personal
 * fields that did run (audit-reads.ts). A request that never became a valid operation (syntax or
 * validation error, an `operationName` matching nothing) reached nothing and writes nothing.
 *
 * No per-field hook: what the audit needs is decided once per operation from the document and
 * the variables (cached per document when no `@skip`/`@include` reads a variable). Only an
 * operation that selects personal data gets a set for the ids on its context; the ids of a
 * mutation that started come from its arguments, read from the document and the variables.
 *
 * Values of personal fields never enter the record. The collected ids live only for the request;
 * nothing is kept after the record is written.
 */
export function auditPlugin(sink: AuditSink): ApolloServerPlugin<GatewayContext> {
  const fieldsOf = auditedFieldsCache();
  return {
    async requestDidStart() {
      let reads: Set<string> | undefined;
      let executed = false;
      return {
        async executionDidStart({ schema, document, operation, request, contextValue }) {
          executed = true;
          if (!operation || fieldsOf(schema, document, operation, request.variables).personal.length === 0) return;
          reads = new Set();
          (contextValue as AuditReadsCarrier)[AUDIT_READS] = reads;
        },
        async willSendResponse({ schema, document, operation, operationName, request, response, contextValue }) {
          // Set only once the document parsed, validated and named an operation that exists.
          if (!operation || !document) return;
          const fields = fieldsOf(schema, document, operation, request.variables);
          if (operation.operation !== 'mutation' && fields.personal.length === 0) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = body?.errors ?? [];
          const codes = [...new Set(errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR')))];
          const ids = new Set(reads);
          if (executed && operation.operation === 'mutation') for (const id of mutationIds(schema, document, operation, request.variables ?? {})) ids.add(id);
          sink.write({
            type: 'audit',
            who: contextValue.caller?.name ?? 'anonymous',
            requestId: contextValue.requestId,
            operation: { type: operation.operation, name: operationName ?? null },
            personalFields: fields.personal,
            ids: [...ids].sort(),
            mutationFields: fields.mutationFields,
            outcome: outcomeOf(errors.length, codes, body?.data),
            errorCodes: codes,
          });
        },
      };
    },
  };
}

function outcomeOf(errorCount: number, codes: string[], data: Record<string, unknown> | null | undefined): AuditRecord['outcome'] {
  if (errorCount === 0) return 'ok';
  if (codes.every((c) => c === 'FORBIDDEN')) return 'denied';
  // Partial only if some root field has a value: `{ order: null }` brought nothing back.
  return Object.values(data ?? {}).some((v) => v != null) ? 'partial' : 'error';
}

/**
 * auditedFields per operation, remembered per document where the answer cannot depend on the
 * variables (no `@skip`/`@include` reads one). Held weakly: the document store decides how long.
 */
function auditedFieldsCache(): (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | undefined,
) => AuditedFields {
  const byOperation = new WeakMap<OperationDefinitionNode, AuditedFields>();
  const variableDirectives = new WeakMap<DocumentNode, boolean>();
  return (schema, document, operation, variables) => {
    const known = byOperation.get(operation);
    if (known) return known;
    const fields = auditedFields(schema, document, operation, variables ?? {});
    let dynamic = variableDirectives.get(document);
    if (dynamic === undefined) variableDirectives.set(document, (dynamic = hasVariableDirectives(document)));
    if (!dynamic) byOperation.set(operation, fields);
    return fields;
  };
}

function hasVariableDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.arguments?.some((a) => a.value.kind === Kind.VARIABLE)) found = true;
      return false;
    },
  });
  return found;
}

/** `arg:value` of a mutation's identifying arguments (ID_ARG), root fields through fragments included. */
function mutationIds(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): string[] {
  const mutation = schema.getMutationType();
  if (!mutation) return [];
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const ids: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(s.name.value);
        if (f && !seen.has(s.name.value)) {
          seen.add(s.name.value);
          walk(f.selectionSet);
        }
      } else {
        const def = mutation.getFields()[s.name.value];
        if (!def) continue;
        let args: Record<string, unknown>;
        try {
          args = getArgumentValues(def, s, variables);
        } catch {
          continue; // an argument that cannot be read was refused before the mutation ran
        }
        for (const [k, v] of Object.entries(args))
          if (ID_ARG.test(k)) for (const x of [v].flat()) if (typeof x === 'string' || typeof x === 'number') ids.push(`${k}:${x}`);
      }
    }
  };
  walk(operation.selectionSet);
  return ids;
}
