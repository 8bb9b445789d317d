import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { HttpErrorCode } from '../errors';

/**
 * Trusted documents (TRUSTED_DOCUMENTS=on): a production deployment runs only the operations its
 * own frontends were built with, listed in TRUSTED_DOCUMENTS_FILE, and refuses any other before
 * it is parsed, let alone executed. The file is what GraphQL Code Generator's client preset
 * writes with `persistedDocuments: true` (persisted-documents.json: a JSON object of hash ->
 * document); Apollo's persisted query manifest (`{ "operations": [{ "id", "body" }] }`) is read
 * too.
 *
 * A request names its operation in one of three ways, each checked against the list:
 * - `documentId` (the client preset's convention): replaced by the listed document (POST);
 * - APQ's `extensions.persistedQuery.sha256Hash` with no query: replaced by the listed document
 *   (POST), or left to Apollo's APQ store (GET);
 * - the full `query` text: runs if the text, or its SHA-256, is listed.
 */

/** The code of a refused operation, Apollo's name for it (GraphOS safelisting). */
export const NOT_IN_LIST_CODE: HttpErrorCode = 'PERSISTED_QUERY_NOT_IN_LIST';

export interface TrustedDocuments {
  /** Listed documents by their hash as listed (SHA-256 from the client preset with hashAlgorithm sha256, or sha1). */
  readonly byId: ReadonlyMap<string, string>;
  /** SHA-256 hex of every listed document's text, so a full query or an APQ hash matches whatever the list's hashes are. */
  readonly sha256: ReadonlyMap<string, string>;
}

/** Reads the list; throws an Error naming the variable and the expected shape. */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`TRUSTED_DOCUMENTS_FILE "${path}" could not be read as JSON (${(err as NodeJS.ErrnoException).code ?? 'not valid JSON'}).`);
  }
  const entries = entriesOf(parsed);
  if (!entries)
    throw new Error(`TRUSTED_DOCUMENTS_FILE "${path}" must hold a JSON object of hash -> document, as GraphQL Code Generator's persistedDocuments writes it.`);
  const byId = new Map(entries);
  const sha256 = new Map(entries.map(([, doc]) => [sha256Hex(doc), doc] as const));
  return { byId, sha256 };
}

function entriesOf(parsed: unknown): Array<[string, string]> | undefined {
  if (!parsed || typeof parsed !== 'object') return undefined;
  const ops = (parsed as { operations?: unknown }).operations;
  const list: Array<[unknown, unknown]> = Array.isArray(ops)
    ? ops.map((o: { id?: unknown; body?: unknown }) => [o?.id, o?.body])
    : Array.isArray(parsed)
      ? []
      : Object.entries(parsed);
  if (list.length === 0 || !list.every(([k, v]) => typeof k === 'string' && typeof v === 'string')) return undefined;
  return list as Array<[string, string]>;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** What a request asks to run, read from a POST body or a GET query string. */
interface OperationParams {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/** A Fastify preHandler for /graphql: lets listed operations through (resolving ids to their text) and refuses the rest. */
export function trustedDocumentsHook(docs: TrustedDocuments) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (req.method !== 'POST' && req.method !== 'GET') return;
    const post = req.method === 'POST';
    const params = ((post ? req.body : req.query) ?? {}) as OperationParams;
    const verdict = check(docs, params, post);
    if ('pass' in verdict) return;
    if ('run' in verdict) {
      // The listed text replaces the id; a hash that is not SHA-256 of it would fail Apollo's APQ check.
      const body = params as Record<string, unknown>;
      body.query = verdict.run;
      delete body.documentId;
      if (body.extensions && typeof body.extensions === 'object') delete (body.extensions as Record<string, unknown>).persistedQuery;
      return;
    }
    await reply
      .code(400)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ errors: [{ message: verdict.refused, extensions: { code: NOT_IN_LIST_CODE } }] }));
  };
}

type Verdict = { pass: true } | { run: string } | { refused: string };
const PASS: Verdict = { pass: true };

/** Run as sent, run the listed text instead, or refused and why. */
function check(docs: TrustedDocuments, p: OperationParams, post: boolean): Verdict {
  if (typeof p.documentId === 'string') {
    const doc = docs.byId.get(p.documentId);
    if (doc === undefined) return { refused: `documentId "${cut(p.documentId)}" is not in the trusted documents (TRUSTED_DOCUMENTS_FILE); nothing was run.` };
    return post ? { run: doc } : { refused: 'Send documentId with POST: a GET request runs a query text or an APQ hash.' };
  }
  if (typeof p.query === 'string' && p.query !== '') {
    if (docs.sha256.has(sha256Hex(p.query))) return PASS;
    return {
      refused: 'This operation is not in the trusted documents (TRUSTED_DOCUMENTS=on): only operations the frontends were built with run; nothing was run.',
    };
  }
  const hash = apqHash(p.extensions);
  if (hash !== undefined) {
    const doc = docs.sha256.get(hash) ?? docs.byId.get(hash);
    if (doc === undefined) return { refused: `Persisted query "${cut(hash)}" is not in the trusted documents (TRUSTED_DOCUMENTS_FILE); nothing was run.` };
    return post ? { run: doc } : PASS;
  }
  return PASS;
}

/** APQ's hash, from an extensions object (POST) or its JSON text (GET). */
function apqHash(extensions: unknown): string | undefined {
  let ext = extensions;
  if (typeof ext === 'string') {
    try {
      ext = JSON.parse(ext);
    } catch {
      return undefined;
    }
  }
  const hash = (ext as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

function cut(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * For graphql-ws: the refusal of a subscription whose document is not listed (graphql-ws sends it
 * as the operation's `error`), or undefined when it may run or no list is in force.
 */
export function untrustedOperation(docs: TrustedDocuments | undefined, query: string): GraphQLError[] | undefined {
  if (!docs || docs.sha256.has(sha256Hex(query))) return undefined;
  return [
    new GraphQLError('This subscription is not in the trusted documents (TRUSTED_DOCUMENTS=on): only operations the frontends were built with run.', {
      extensions: { code: NOT_IN_LIST_CODE },
    }),
  ];
}
