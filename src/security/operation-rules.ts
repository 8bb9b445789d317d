import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Config } from '../config';
import { DEFAULT_DOCUMENT_LIMITS, documentLimitsOf, documentLimitsRule, type DocumentLimits } from './document-limits';
import { LIGHTSPEED_FIELD_COSTS, type FieldCost } from './query-cost';
import type { QueryLimitOptions } from './query-limits';

/**
 * The rules every GraphQL document follows, whichever transport brings it: built once from config
 * and handed to Apollo over HTTP (src/server.ts, security/index.ts) and to graphql-ws
 * (events/fanout/ws-server.ts), so a limit cannot hold on one and be missing on the other.
 *
 * In order: the parser stops past the token bound; graphql's validation runs with the
 * document-limits rule added and, with introspection off, without "Did you mean …?" (it would
 * spell out the schema); then depth, variables and cost (query-limits.ts). Error messages go to
 * clients through client-errors.ts on both transports.
 */
export interface OperationRules {
  /** For graphql's `parse`: stop past MAX_QUERY_TOKENS. */
  readonly parseOptions: Readonly<{ maxTokens: number }>;
  /** Run after graphql's specifiedRules: MAX_QUERY_ALIASES, _DIRECTIVES, _FRAGMENT_SPREADS. */
  readonly validationRules: readonly ValidationRule[];
  /** For graphql's `validate`: `hideSuggestions` is true when introspection is off. */
  readonly validationOptions: Readonly<{ hideSuggestions: boolean }>;
  /** Depth, cost and variable coercion after validation: MAX_QUERY_DEPTH, MAX_QUERY_COST. */
  readonly queryLimits: Readonly<QueryLimitOptions>;
}

export interface OperationRulesOptions {
  /** Document bounds; each field defaults as in DEFAULT_DOCUMENT_LIMITS. */
  limits?: Partial<DocumentLimits>;
  /** MAX_QUERY_DEPTH. Default 10. */
  maxDepth?: number;
  /** MAX_QUERY_COST. Default 50. */
  maxCost?: number;
  /** Leave out graphql's "Did you mean …?" (introspection off). Default false. */
  hideSuggestions?: boolean;
  /** Field costs over FIELD_COSTS (an upstream whose calls differ when configured). Default none. */
  fieldCosts?: Readonly<Record<string, FieldCost>>;
}

/** The rules from explicit options; anything left out takes its documented default. */
export function operationRules(o: OperationRulesOptions = {}): OperationRules {
  const limits = { ...DEFAULT_DOCUMENT_LIMITS, ...o.limits };
  const hideSuggestions = o.hideSuggestions ?? false;
  return Object.freeze({
    parseOptions: Object.freeze({ maxTokens: limits.maxTokens }),
    validationRules: Object.freeze([documentLimitsRule(limits)]),
    validationOptions: Object.freeze({ hideSuggestions }),
    queryLimits: Object.freeze({
      maxDepth: o.maxDepth ?? 10,
      maxCost: o.maxCost ?? 50,
      hideSuggestions,
      ...(o.fieldCosts ? { fieldCosts: { ...o.fieldCosts } } : {}),
    }),
  });
}

/** The rules as configured: MAX_QUERY_*, INTROSPECTION, and the dearer fields of a configured Lightspeed eCom. */
export function operationRulesOf(config: Pick<Readonly<Config>, 'introspection' | 'security' | 'lightspeedEcom'>): OperationRules {
  const s = config.security;
  return operationRules({
    limits: documentLimitsOf(s),
    maxDepth: s.maxQueryDepth,
    maxCost: s.maxQueryCost,
    hideSuggestions: !config.introspection,
    fieldCosts: config.lightspeedEcom ? LIGHTSPEED_FIELD_COSTS : undefined,
  });
}

/**
 * graphql's `parse` under the rules, for a transport without Apollo. A syntax error, the token
 * bound included, is returned as GRAPHQL_PARSE_FAILED: the code Apollo gives it over HTTP.
 */
export function parseDocument(source: string, rules: OperationRules): DocumentNode | GraphQLError {
  try {
    return parse(source, rules.parseOptions);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return coded(err, 'GRAPHQL_PARSE_FAILED');
  }
}

/**
 * graphql's `validate` under the rules, for a transport without Apollo; each error is
 * GRAPHQL_VALIDATION_FAILED, as over HTTP. Apollo's own NoIntrospection rule is not needed where
 * this is used: introspection fields exist only on the query root and graphql-ws serves
 * subscriptions only.
 */
export function validateDocument(schema: GraphQLSchema, document: DocumentNode, rules: OperationRules): GraphQLError[] {
  return validate(schema, document, [...specifiedRules, ...rules.validationRules], rules.validationOptions).map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED'));
}

function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error,
    extensions: { ...error.extensions, code },
  });
}
