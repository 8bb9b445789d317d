import type { GraphQLFormattedError } from 'graphql';
import { describeDocumentLimit } from './document-limits';

/**
 * The last step of every GraphQL error on its way to a client over HTTP (Apollo's formatError).
 *
 * graphql's own messages quote rejected input back: a variable's value ("Variable "$q" got invalid
 * value …"), a literal ("String cannot represent a non string value: …"), a token ("Unexpected
 * Name …"). A 100 KB value then comes back at full length, sometimes twice, and a value may be a
 * customer's name. Our own errors name the argument and the rule and never quote the value; these
 * keep at most a short excerpt of it, so the sender can still tell which value was meant.
 */
export function formatForClient(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const message = shortenEchoes(formatted.message);
  const shaped = message === formatted.message ? formatted : { ...formatted, message };
  return describeDocumentLimit(shaped);
}

/** Characters of a quoted value kept as its excerpt. */
const EXCERPT = 16;
/** A quoted value longer than this is cut to its excerpt. */
const MAX_QUOTED = 32;
/** An unquoted run (a long number or name) longer than this is cut to its excerpt. */
const MAX_RUN = 64;
/** Whatever is left is cut here: no message needs more (graphql cuts its longest, field conflicts, at 1,000). */
const MAX_MESSAGE = 2000;

/**
 * Cuts quoted values and long unquoted runs in a message to short excerpts ending in "…".
 * One pass over the characters: a regular expression for quoted strings backtracks into
 * quadratic time on a value of many escaped quotes, and the value is the attacker's to choose.
 */
export function shortenEchoes(message: string): string {
  let out = '';
  let i = 0;
  while (i < message.length && out.length <= MAX_MESSAGE) {
    const ch = message[i];
    if (ch === '"') {
      // To the closing quote, stepping over escapes; an unterminated value runs to the end.
      let j = i + 1;
      while (j < message.length && message[j] !== '"') j += message[j] === '\\' ? 2 : 1;
      const inner = message.slice(i + 1, Math.min(j, message.length));
      out += inner.length > MAX_QUOTED ? `"${excerpt(inner)}…"` : message.slice(i, j + 1);
      i = j + 1;
    } else if (isSpace(ch)) {
      out += ch;
      i += 1;
    } else {
      let j = i;
      while (j < message.length && message[j] !== '"' && !isSpace(message[j])) j += 1;
      const run = message.slice(i, j);
      out += run.length > MAX_RUN ? `${run.slice(0, EXCERPT)}…` : run;
      i = j;
    }
  }
  return out.length > MAX_MESSAGE || i < message.length ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
}

/** The start of an escaped string, without a half-cut escape sequence at its end. */
function excerpt(escaped: string): string {
  return escaped.slice(0, EXCERPT).replace(/\\(u[0-9a-fA-F]{0,3})?$/, '');
}
