import { GraphQLError, OperationTypeNode, getOperationAST, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { parseDocument, validateDocument, type OperationRules } from '../../security/operation-rules';
import { checkQueryLimits } from '../../security/query-limits';

/** What the rules of a graphql-ws `subscribe` need to know about the server. */
export interface SubscribeRulesOptions {
  schema: GraphQLSchema;
  /** The HTTP path queries and mutations belong on, named when one arrives over the socket. */
  path: string;
  /** The document rules HTTP applies (security/operation-rules.ts). */
  rules: OperationRules;
  /** Whether Picqer's id for a product code is known, for the cost estimate (as over HTTP). */
  knownCode?: (code: string) => boolean;
  /** Active subscriptions one connection may hold. */
  maxSubscriptionsPerConnection: number;
  /** The transport named when a query or mutation arrives on it. Default 'graphql-ws'. */
  transport?: string;
}

/**
 * The bound on subscriptions per connection. graphql-ws has already registered the new id when
 * it asks, so it is counted among the `active` ones. Each subscription holds a context and a place
 * on the bus: without a bound one socket could hold any number.
 */
export function checkSubscriptionCount(active: number, opts: SubscribeRulesOptions): GraphQLError[] | undefined {
  if (active <= opts.maxSubscriptionsPerConnection) return undefined;
  return [
    new GraphQLError(
      `This connection already has ${opts.maxSubscriptionsPerConnection} active subscriptions (MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one or open another connection.`,
      { extensions: { code: 'BAD_REQUEST' } },
    ),
  ];
}

/**
 * The document rules, in HTTP's order, on one `subscribe`: its ExecutionArgs, or the errors to
 * send as that operation's `error` message. Nothing runs and no upstream is called before this
 * has accepted the operation. Returning ExecutionArgs means graphql-ws neither parses nor
 * validates the document again (its own parse has no token bound).
 */
export function prepareSubscription(payload: SubscribePayload, opts: SubscribeRulesOptions): ExecutionArgs | GraphQLError[] {
  const document = parseDocument(payload.query, opts.rules);
  if (document instanceof GraphQLError) return [document];
  // Before validation: a query or mutation is told where to go, whatever else is wrong with it.
  const kind = getOperationAST(document, payload.operationName)?.operation;
  if (kind && kind !== OperationTypeNode.SUBSCRIPTION) {
    return [
      new GraphQLError(`Only subscriptions are served over ${opts.transport ?? 'graphql-ws'}; send ${kind} operations to POST ${opts.path}.`, {
        extensions: { code: 'BAD_REQUEST' },
      }),
    ];
  }
  const invalid = validateDocument(opts.schema, document, opts.rules);
  if (invalid.length > 0) return invalid;
  const operation = getOperationAST(document, payload.operationName);
  if (!operation) {
    const message = payload.operationName
      ? `operationName "${payload.operationName}" names no operation in the document.`
      : 'The document has several operations; name the one to run in operationName.';
    return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
  }
  const variableValues = payload.variables ?? undefined;
  try {
    checkQueryLimits(opts.schema, document, operation, variableValues, { ...opts.rules.queryLimits, knownCode: opts.knownCode });
  } catch (err) {
    if (err instanceof GraphQLError) return [err];
    throw err;
  }
  return { schema: opts.schema, document, operationName: payload.operationName, variableValues };
}
