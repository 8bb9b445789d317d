/** Callers: bearer tokens from config, scopes, the type-graphql authChecker. */
export { Authenticator, type Caller } from './authenticator';
export { authChecker } from './auth-checker';
export { SCOPES, PERSONAL_DATA_SCOPE, isScope, type Scope } from './scopes';
export { sha256Hex, loadTokenEntries, parseTokenSpec, readTokensFile, type TokenEntry } from './tokens';
export { createDemoToken } from './demo-token';
