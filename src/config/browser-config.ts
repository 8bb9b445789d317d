import { existsSync } from 'node:fs';
import type { Env } from './env';

/**
 * Settings for frontends on their own origin (README "Frontends"): which origins may call
 * (CORS_ORIGINS), who a browser may be (a public storefront caller, JSON Web Tokens from the
 * identity provider), which operations run (trusted documents) and how APQ is shared. Its own file
 * so the other sections stay as they are.
 */

/** TRUSTED_DOCUMENTS: `off` runs any operation; `on` runs only operations in TRUSTED_DOCUMENTS_FILE. */
export const TRUSTED_DOCUMENT_MODES = ['off', 'on'] as const;
export type TrustedDocumentMode = (typeof TRUSTED_DOCUMENT_MODES)[number];

/** Origins of a local dev server (Vite, webpack), allowed in sandbox mode besides CORS_ORIGINS. */
export const SANDBOX_DEV_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'] as const;

/** Identity provider tokens (JWKS_URL, JWT_ISSUER, JWT_AUDIENCE together). */
export interface JwtConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** JWT_SCOPES_CLAIM, default `scope`: a space-separated string or an array of scopes. */
  scopesClaim: string;
  /** JWKS_REFRESH_COOLDOWN_MS, default 30,000: an unknown key id refetches the key set at most this often. */
  refreshCooldownMs: number;
}

export interface BrowserConfig {
  /** CORS_ORIGINS plus, in sandbox mode, SANDBOX_DEV_ORIGINS. Empty: no cross-origin page may call. */
  corsOrigins: readonly string[];
  /** CORS_MAX_AGE_SECONDS, default 600: how long a browser may reuse a preflight answer. */
  corsMaxAgeSeconds: number;
  /** PUBLIC_ACCESS, default false: a request without a token is the `public` caller with `stock:read` only. */
  publicAccess: boolean;
  /** PUBLIC_RATE_LIMIT_PER_MINUTE, default 60: requests of the public caller per client address per minute. */
  publicRatePerMinute: number;
  /** TRUSTED_PROXIES: addresses or CIDR ranges whose X-Forwarded-For names the client. Empty: the socket's address. */
  trustedProxies: readonly string[];
  jwt?: JwtConfig;
  trustedDocuments: TrustedDocumentMode;
  /** TRUSTED_DOCUMENTS_FILE: JSON map hash -> document, as GraphQL Code Generator's client preset writes it. */
  trustedDocumentsFile?: string;
  /** APQ_TTL_SECONDS, default 86,400: how long a registered persisted query stays in the shared store. */
  apqTtlSeconds: number;
}

/** An origin as browsers send it, with `*.` as the first host label and `*` as the port allowed. */
const ORIGIN_PATTERN = /^https?:\/\/(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:(\d{1,5}|\*))?$|^https?:\/\/\[[0-9a-f:]+\](:(\d{1,5}|\*))?$/i;
/** An IPv4 or IPv6 address, optionally with a /prefix, or one of proxy-addr's names. */
const PROXY_PATTERN = /^([0-9.]+|[0-9a-f:]+)(\/\d{1,3})?$|^(loopback|linklocal|uniquelocal)$/i;

export function listOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Problems of the section's variables, each naming the variable and what is expected. */
export function browserProblems(e: Env): string[] {
  const problems: string[] = [];
  for (const o of listOf(e.CORS_ORIGINS)) {
    if (o !== '*' && !ORIGIN_PATTERN.test(o))
      problems.push(`CORS_ORIGINS entries must be origins such as https://shop.example.com or https://*.example.com (no path), got "${o}"`);
  }
  for (const p of listOf(e.TRUSTED_PROXIES)) {
    if (!PROXY_PATTERN.test(p)) problems.push(`TRUSTED_PROXIES entries must be addresses or CIDR ranges such as 10.0.0.0/8, got "${p}"`);
  }
  const jwtVars = ['JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE'] as const;
  const jwtSet = jwtVars.filter((k) => e[k] !== undefined);
  if (jwtSet.length > 0 && jwtSet.length < jwtVars.length) {
    problems.push(`JSON Web Tokens need all of ${jwtVars.join(', ')}; missing ${jwtVars.filter((k) => e[k] === undefined).join(', ')}`);
  }
  if (e.TRUSTED_DOCUMENTS === 'on' && !e.TRUSTED_DOCUMENTS_FILE)
    problems.push('TRUSTED_DOCUMENTS=on needs TRUSTED_DOCUMENTS_FILE: the operations that may run');
  if (e.TRUSTED_DOCUMENTS_FILE && !existsSync(e.TRUSTED_DOCUMENTS_FILE))
    problems.push(`TRUSTED_DOCUMENTS_FILE must name a readable file, got "${e.TRUSTED_DOCUMENTS_FILE}"`);
  return problems;
}

/** The section, with the documented defaults; `sandbox` adds the local dev origins. */
export function browserConfig(e: Env, sandbox: boolean): BrowserConfig {
  const configured = listOf(e.CORS_ORIGINS);
  return {
    corsOrigins: [...new Set([...configured, ...(sandbox ? SANDBOX_DEV_ORIGINS : [])])],
    corsMaxAgeSeconds: e.CORS_MAX_AGE_SECONDS ?? 600,
    publicAccess: e.PUBLIC_ACCESS ?? false,
    publicRatePerMinute: e.PUBLIC_RATE_LIMIT_PER_MINUTE ?? 60,
    trustedProxies: listOf(e.TRUSTED_PROXIES),
    jwt:
      e.JWKS_URL && e.JWT_ISSUER && e.JWT_AUDIENCE
        ? {
            jwksUrl: e.JWKS_URL,
            issuer: e.JWT_ISSUER,
            audience: e.JWT_AUDIENCE,
            scopesClaim: e.JWT_SCOPES_CLAIM ?? 'scope',
            refreshCooldownMs: e.JWKS_REFRESH_COOLDOWN_MS ?? 30_000,
          }
        : undefined,
    trustedDocuments: (e.TRUSTED_DOCUMENTS as TrustedDocumentMode | undefined) ?? 'off',
    trustedDocumentsFile: e.TRUSTED_DOCUMENTS_FILE,
    apqTtlSeconds: e.APQ_TTL_SECONDS ?? 86_400,
  };
}
