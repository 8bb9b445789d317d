import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { AuditRecord, AuditSink } from './audit-sink';
import { auditedFields } from './audited-fields';
import { isPersonalField } from './personal-data';

/** Argument names of a mutation whose values identify what was changed (not who). */
const ID_ARG = /^(id|ids|productcodes?|[a-z]+Ids?)$/;

/**
 * Writes one audit record for every mutation and every operation that selects a personal-data
 * field, whatever became of it: read (`ok`), refused (`denied`: a missing scope, on the field or
 * on a parent), failed (`error`/`partial`: upstream down, rate limit, limits). Which fields were
 * asked for comes from the document (audited-fields.ts), since a refused or failed parent means
 * the personal field's resolver never runs; which objects were read comes from the fields that
 * did run. A request that never became a valid operation (syntax or validation error, an
 * `operationName` matching nothing) reached nothing and writes nothing.
 *
 * Values of personal fields never enter the record. The collected ids live only for the request
 * (a closure per request); nothing is kept after the record is written.
 */
export function auditPlugin(sink: AuditSink): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const ids = new Set<string>();
      return {
        async executionDidStart({ operation }) {
          const isMutation = operation?.operation === 'mutation';
          return {
            willResolveField({ source, args, info }) {
              if (isMutation && info.parentType === info.schema.getMutationType()) {
                for (const [k, v] of Object.entries(args ?? {}))
                  if (ID_ARG.test(k)) for (const x of [v].flat()) if (typeof x === 'string' || typeof x === 'number') ids.add(`${k}:${x}`);
              }
              if (!isPersonalField(info.parentType.getFields()[info.fieldName])) return;
              const id = (source as { id?: unknown } | null)?.id;
              if (typeof id === 'string' || typeof id === 'number') ids.add(`${info.parentType.name}:${id}`);
            },
          };
        },
        async willSendResponse({ schema, document, operation, operationName, request, response, contextValue }) {
          // Set only once the document parsed, validated and named an operation that exists.
          if (!operation || !document) return;
          const fields = auditedFields(schema, document, operation, request.variables ?? {});
          if (operation.operation !== 'mutation' && fields.personal.length === 0) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = body?.errors ?? [];
          const codes = [...new Set(errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR')))];
          const outcome: AuditRecord['outcome'] =
            errors.length === 0
              ? 'ok'
              : codes.every((c) => c === 'FORBIDDEN')
                ? 'denied'
                : // Partial only if some root field has a value: `{ order: null }` brought nothing back.
                  Object.values(body?.data ?? {}).some((v) => v != null)
                  ? 'partial'
                  : 'error';
          sink.write({
            type: 'audit',
            who: contextValue.caller?.name ?? 'anonymous',
            requestId: contextValue.requestId,
            operation: { type: operation.operation, name: operationName ?? null },
            personalFields: fields.personal,
            ids: [...ids].sort(),
            mutationFields: fields.mutationFields,
            outcome,
            errorCodes: codes,
          });
        },
      };
    },
  };
}
