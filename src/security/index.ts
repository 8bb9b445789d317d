import type { ApolloServerPlugin, PersistedQueryOptions } from '@apollo/server';
import type { Registry } from 'prom-client';
import type { DestinationStream } from 'pino';
import { Authenticator } from '../auth/authenticator';
import { CallerSources, PUBLIC_CALLER_NAME } from '../auth/callers';
import { JwtVerifier } from '../auth/jwt';
import type { Caller } from '../auth/caller';
import type { Config } from '../config';
import { originPolicy, type OriginPolicy } from '../http/origin';
import type { GatewayContext } from '../context';
import { auditPlugin } from './audit.plugin';
import { createAuditSink, type AuditSink } from './audit-sink';
import { operationRulesOf, type OperationRules } from './operation-rules';
import { RedisPersistedQueryCache } from './persisted-queries.redis';
import { loadTrustedDocuments, type TrustedDocuments } from './trusted-documents';
import { queryLimitsPlugin } from './query-limits.plugin';
import { rateLimitPlugin } from './rate-limit.plugin';
import { MemoryRateLimitStore } from './rate-limit.memory';
import { RedisRateLimitStore } from './rate-limit.redis';
import type { RateLimitStore } from './rate-limit.types';
import { totalsCounter } from '../util/metrics';

/** Everything the gateway needs from auth and security, built once from config. */
export interface Security {
  authenticator: Authenticator;
  /** For buildGateway's `authenticate` option; undefined when auth is off. */
  authenticate?: (authorization: string | undefined, client: { ip: string }) => Promise<Caller>;
  /** For the graphql-ws `context` callback: throws UNAUTHENTICATED; undefined caller when auth is off. */
  authenticateConnection(connectionParams: Readonly<Record<string, unknown>> | undefined | null, clientAddress?: string): Promise<Caller | undefined>;
  /** Query limits, per-token rate limit, audit: for buildGateway's `apolloPlugins`. */
  apolloPlugins: ApolloServerPlugin<GatewayContext>[];
  /** Document bounds, depth and cost: the one set for HTTP (buildGateway) and graphql-ws (attachGraphqlWs). */
  operationRules: OperationRules;
  /** Adds the per-token rate-limit refusals to /metrics. */
  registerMetrics(registry: Registry): void;
  /** CORS_ORIGINS: for CORS on HTTP and the Origin check of graphql-ws and SSE. */
  origins: OriginPolicy;
  /** APQ: shared by the replicas through Redis when REDIS_URL is set, entries kept APQ_TTL_SECONDS. */
  persistedQueries: PersistedQueryOptions;
  /** TRUSTED_DOCUMENTS=on: the operations that may run. */
  trustedDocuments?: TrustedDocuments;
  close(): Promise<void>;
}

export interface SecurityOptions {
  /** Audit destination instead of config's AUDIT_LOG (tests capture records this way). */
  auditStream?: DestinationStream;
}

/** Builds auth and security from the validated config (see README "Security and personal data"). */
export function createSecurity(config: Readonly<Config>, opts: SecurityOptions = {}): Security {
  const s = config.security;
  const b = config.browser;
  // Auth is on with any source of callers: static tokens, the identity provider, the public caller.
  const authenticator = new Authenticator(s.tokens, (s.tokens.length > 0 || b.jwt !== undefined || b.publicAccess) && !s.authDisabled);
  const apqCache = config.redisUrl
    ? new RedisPersistedQueryCache({ redisUrl: config.redisUrl, keyPrefix: `${config.redisKeyPrefix}apq:`, ttlSeconds: b.apqTtlSeconds })
    : undefined;
  const callers = new CallerSources(authenticator, {
    jwt: b.jwt && new JwtVerifier(b.jwt),
    publicAccess: b.publicAccess ? { perMinute: b.publicRatePerMinute } : undefined,
  });
  const store: RateLimitStore = config.redisUrl ? new RedisRateLimitStore(config.redisUrl, `${config.redisKeyPrefix}sec:`) : new MemoryRateLimitStore();
  const sink: AuditSink | null = createAuditSink(opts.auditStream ?? s.auditLog);
  const operationRules = operationRulesOf(config);
  const refusals = refusalCounts(s.tokens.map((t) => t.name));
  const apolloPlugins: ApolloServerPlugin<GatewayContext>[] = [
    rateLimitPlugin({ store, perMinute: s.rateLimitPerTokenPerMinute, onRefused: refusals.add }),
    queryLimitsPlugin(operationRules.queryLimits),
    ...(sink ? [auditPlugin(sink)] : []),
  ];
  return {
    authenticator,
    authenticate: authenticator.enabled ? (h, client) => callers.fromHeader(h, client.ip) : undefined,
    authenticateConnection: async (p, address) => (authenticator.enabled ? callers.fromConnectionParams(p, address) : undefined),
    apolloPlugins,
    operationRules,
    registerMetrics: (registry) =>
      totalsCounter(
        registry,
        {
          name: 'gateway_rate_limit_refusals_total',
          help: 'Operations refused by the per-token limit, by caller name (GATEWAY_TOKENS).',
          labelNames: ['token'],
        },
        () => [...refusals.totals].map(([token, n]) => [{ token }, n] as const),
      ),
    origins: originPolicy(config.browser.corsOrigins),
    persistedQueries: { cache: apqCache, ttl: b.apqTtlSeconds },
    trustedDocuments: b.trustedDocuments === 'on' && b.trustedDocumentsFile ? loadTrustedDocuments(b.trustedDocumentsFile) : undefined,
    async close() {
      await apqCache?.close();
      await store.close();
      await sink?.close();
    },
  };
}

/**
 * Refusals per caller, labelled so the label set stays bounded and free of personal data: a
 * GATEWAY_TOKENS name or "public" as itself; an identity provider's callers (one per subject, which
 * may be an e-mail address) as "jwt"; anything else "other".
 */
function refusalCounts(tokenNames: readonly string[]): { totals: Map<string, number>; add: (caller: Caller) => void } {
  const named = new Set([...tokenNames, PUBLIC_CALLER_NAME]);
  const totals = new Map<string, number>();
  return {
    totals,
    add: (caller) => {
      const label = named.has(caller.name) ? caller.name : caller.name.startsWith('jwt:') ? 'jwt' : 'other';
      totals.set(label, (totals.get(label) ?? 0) + 1);
    },
  };
}

export { PersonalData, isPersonalField, personalFieldsOf, NOT_PERSONAL, CUSTOMER_DATA_TYPES } from './personal-data';
export { estimateQueryCost, FIELD_COSTS, type FieldCost } from './query-cost';
export { queryDepth } from './query-depth';
export { documentLimitsRule, documentLimitsOf, DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from './document-limits';
export { operationRules, operationRulesOf, type OperationRules } from './operation-rules';
export { checkQueryLimits, type QueryLimitOptions } from './query-limits';
export type { AuditRecord, AuditSink } from './audit-sink';
