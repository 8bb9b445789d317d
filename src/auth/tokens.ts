import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isScope, SCOPES, type Scope } from './scopes';

/**
 * Parsing of the callers' token list from configuration. Tokens are hashed at parse time, so
 * neither the config object nor a heap dump holds a usable token; nothing here ever echoes one
 * back in a problem message.
 */

/** One caller as configured: a name for logs and audit, its scopes, and its token's SHA-256. */
export interface TokenEntry {
  name: string;
  scopes: readonly Scope[];
  /** Lower-case hex SHA-256 of the token. */
  sha256: string;
}

/** Shortest token we accept: anything shorter is guessable. */
export const MIN_TOKEN_LENGTH = 16;
const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const SHA256_RE = /^[0-9a-f]{64}$/i;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Parses `GATEWAY_TOKENS`: `name:scope1+scope2:token,...`. Scopes have colons themselves
 * (`stock:read`), so the name ends at the first colon and the token starts after the last one:
 * a token may contain neither ":" nor ",".
 */
export function parseTokenSpec(spec: string, variable = 'GATEWAY_TOKENS'): { entries: TokenEntry[]; problems: string[] } {
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((item, i) => {
      const first = item.indexOf(':');
      const last = item.lastIndexOf(':');
      if (first === -1 || last === first) {
        problems.push(`${variable} entry ${i + 1} must look like name:scope1+scope2:token`);
        return;
      }
      const name = item.slice(0, first);
      const scopes = item
        .slice(first + 1, last)
        .split('+')
        .filter(Boolean);
      const token = item.slice(last + 1);
      const where = `${variable} entry ${i + 1}`;
      const p = checkEntry(where, name, scopes);
      if (token.length < MIN_TOKEN_LENGTH) p.push(`${where} ("${safeName(name)}") has a token shorter than ${MIN_TOKEN_LENGTH} characters`);
      if (p.length) problems.push(...p);
      else entries.push({ name, scopes: scopes as Scope[], sha256: sha256Hex(token) });
    });
  return { entries, problems };
}

/** Reads `GATEWAY_TOKENS_FILE`: a JSON array of `{ name, scopes, sha256 }` (tokens stored hashed). */
export function readTokensFile(path: string, variable = 'GATEWAY_TOKENS_FILE'): { entries: TokenEntry[]; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'not valid JSON';
    return { entries: [], problems: [`${variable} must name a readable JSON file of [{ name, scopes, sha256 }], got "${path}" (${why})`] };
  }
  if (!Array.isArray(parsed)) return { entries: [], problems: [`${variable} must hold a JSON array of { name, scopes, sha256 }`] };
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  parsed.forEach((raw: unknown, i) => {
    const o = (raw ?? {}) as Record<string, unknown>;
    const where = `${variable} entry ${i + 1}`;
    const name = typeof o.name === 'string' ? o.name : '';
    const scopes = Array.isArray(o.scopes) ? o.scopes.map(String) : [];
    const p = checkEntry(where, name, scopes);
    if (typeof o.sha256 !== 'string' || !SHA256_RE.test(o.sha256)) p.push(`${where} needs "sha256": the 64 hex digits of the token's SHA-256`);
    if (p.length) problems.push(...p);
    else entries.push({ name, scopes: scopes as Scope[], sha256: (o.sha256 as string).toLowerCase() });
  });
  return { entries, problems };
}

/** Both sources together; names must be unique across them, so audit records stay unambiguous. */
export function loadTokenEntries(spec?: string, file?: string): { entries: TokenEntry[]; problems: string[] } {
  const a = spec ? parseTokenSpec(spec) : { entries: [], problems: [] };
  const b = file ? readTokensFile(file) : { entries: [], problems: [] };
  const entries = [...a.entries, ...b.entries];
  const problems = [...a.problems, ...b.problems];
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) problems.push(`token name "${e.name}" is used twice in GATEWAY_TOKENS/GATEWAY_TOKENS_FILE; names must be unique`);
    seen.add(e.name);
  }
  return { entries, problems };
}

function checkEntry(where: string, name: string, scopes: string[]): string[] {
  const p: string[] = [];
  if (!NAME_RE.test(name)) p.push(`${where} needs a name of 1-64 of A-Z a-z 0-9 _ . -`);
  if (scopes.length === 0) p.push(`${where} ("${safeName(name)}") needs at least one scope of ${SCOPES.join(', ')}`);
  for (const s of scopes)
    if (!isScope(s))
      p.push(
        `${where} ("${safeName(name)}") has an unknown scope (not echoed: a misplaced colon could make it part of a token); expected one of ${SCOPES.join(', ')}`,
      );
  return p;
}

/** A name is echoed only if it looks like a name; a misplaced token must not land in the message. */
function safeName(name: string): string {
  return NAME_RE.test(name) ? name : '?';
}
