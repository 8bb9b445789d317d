import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { AuditRecord, AuditSink } from './audit-sink';
import { isPersonalField } from './personal-data';

/** Argument names of a mutation whose values identify what was changed (not who). */
const ID_ARG = /^(id|ids|productcodes?|[a-z]+Ids?)$/;

/**
 * Writes one audit record for every mutation and every operation that read (or tried to read)
 * a personal-data field: who, which operation, which personal fields, which object ids, the
 * outcome. Values of personal fields never enter the record. The collected names and ids live
 * only for the request (a closure per request); nothing is kept after the record is written.
 */
export function auditPlugin(sink: AuditSink): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const personal = new Set<string>();
      const ids = new Set<string>();
      const mutationFields = new Set<string>();
      return {
        async executionDidStart({ operation }) {
          const isMutation = operation.operation === 'mutation';
          return {
            willResolveField({ source, args, info }) {
              if (isMutation && info.parentType === info.schema.getMutationType()) {
                mutationFields.add(info.fieldName);
                for (const [k, v] of Object.entries(args ?? {})) if (ID_ARG.test(k)) for (const x of [v].flat()) if (typeof x === 'string' || typeof x === 'number') ids.add(`${k}:${x}`);
              }
              if (!isPersonalField(info.parentType.getFields()[info.fieldName])) return;
              personal.add(`${info.parentType.name}.${info.fieldName}`);
              const id = (source as { id?: unknown } | null)?.id;
              if (typeof id === 'string' || typeof id === 'number') ids.add(`${info.parentType.name}:${id}`);
            },
          };
        },
        async willSendResponse({ operation, operationName, response, contextValue }) {
          const type = operation?.operation ?? 'unknown';
          if (type !== 'mutation' && personal.size === 0) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = body?.errors ?? [];
          const codes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
          const outcome: AuditRecord['outcome'] =
            errors.length === 0 ? 'ok'
            : codes.every((c) => c === 'FORBIDDEN') ? 'denied'
            : body?.data ? 'partial'
            : 'error';
          sink.write({
            type: 'audit',
            who: contextValue.caller?.name ?? 'anonymous',
            requestId: contextValue.requestId,
            operation: { type, name: operationName ?? null },
            personalFields: [...personal].sort(),
            ids: [...ids].sort(),
            mutationFields: [...mutationFields].sort(),
            outcome,
            errorCodes: codes,
          });
        },
      };
    },
  };
}

