/** Callers: bearer tokens from config, scopes, the scope rule (and type-graphql's authChecker over it). */
export { Authenticator } from './authenticator';
export type { Caller, CallerContext } from './caller';
export { authChecker, checkScopes } from './auth-checker';
export { SCOPES, PERSONAL_DATA_SCOPE, isScope, type Scope } from './scopes';
export { sha256Hex, loadTokenEntries, parseTokenSpec, readTokensFile, type TokenEntry } from './tokens';
export { createDemoToken } from './demo-token';
