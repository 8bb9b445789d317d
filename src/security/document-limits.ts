import { GraphQLError, type ASTVisitor, type GraphQLFormattedError, type ValidationContext } from 'graphql';

/**
 * Bounds on a GraphQL document as written, so that every later step (validation, depth, cost,
 * audit, execution) works on something small. The token bound is graphql's own parser option
 * (`parseOptions.maxTokens`): the parser stops counting there, so a 1 MB body costs no more
 * than 5,000 tokens' work. Aliases, directives and fragment spreads are counted by a validation
 * rule, once each as written (a spread is one spread however often its fragment is reached).
 *
 * Why these three: aliases are how one document repeats a field (and its upstream calls) under
 * new names; directives are free to repeat and each is visited by every rule; spreads are what a
 * "fragment bomb" multiplies. All analyses are linear in the document (fragments are memoised),
 * so these caps bound size, not an exponential.
 */
export interface DocumentLimits {
  /** MAX_QUERY_TOKENS: lexical tokens (names, punctuation, values). Default 5000. */
  maxTokens: number;
  /** MAX_QUERY_ALIASES: aliased fields. Default 50. */
  maxAliases: number;
  /** MAX_QUERY_DIRECTIVES: directives anywhere in the document. Default 50. */
  maxDirectives: number;
  /** MAX_QUERY_FRAGMENT_SPREADS: `...Name` spreads, as written. Default 100. */
  maxFragmentSpreads: number;
}

export const DEFAULT_DOCUMENT_LIMITS: Readonly<DocumentLimits> = Object.freeze({
  maxTokens: 5000,
  maxAliases: 50,
  maxDirectives: 50,
  maxFragmentSpreads: 100,
});

/** One counted thing: what it is called in a message, its variable, and the extension names. */
const COUNTED = [
  { key: 'aliases', what: 'aliases', variable: 'MAX_QUERY_ALIASES', limit: 'maxAliases' },
  { key: 'directives', what: 'directives', variable: 'MAX_QUERY_DIRECTIVES', limit: 'maxDirectives' },
  { key: 'fragmentSpreads', what: 'fragment spreads', variable: 'MAX_QUERY_FRAGMENT_SPREADS', limit: 'maxFragmentSpreads' },
] as const;

/**
 * A validation rule that refuses a document with more aliases, directives or fragment spreads than
 * allowed, one error per limit exceeded, naming the count, the limit and its variable. Apollo
 * answers it as GRAPHQL_VALIDATION_FAILED with HTTP 400, before any resolver runs.
 */
export function documentLimitsRule(limits: Partial<DocumentLimits> = {}): (context: ValidationContext) => ASTVisitor {
  const max = { ...DEFAULT_DOCUMENT_LIMITS, ...limits };
  return (context) => {
    const counts = { aliases: 0, directives: 0, fragmentSpreads: 0 };
    return {
      Field(node) {
        if (node.alias) counts.aliases += 1;
      },
      Directive() {
        counts.directives += 1;
      },
      FragmentSpread() {
        counts.fragmentSpreads += 1;
      },
      Document: {
        leave() {
          for (const c of COUNTED) {
            const n = counts[c.key];
            const limit = max[c.limit];
            if (n <= limit) continue;
            context.reportError(
              new GraphQLError(`The document has ${n} ${c.what}; the limit is ${limit} (${c.variable}).`, { extensions: { [c.key]: n, [c.limit]: limit } }),
            );
          }
        },
      },
    };
  };
}

/** graphql's own words when `maxTokens` stops the parser (sic: "more that" in graphql 16). */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;
/**
 * graphql's words when validation runs out of its own budget for comparing same-named fields
 * (OverlappingFieldsCanBeMerged: ~1,000 copies of one field within the token limit reach it).
 */
const VALIDATION_ABORTED = 'Validation aborted.';

/**
 * graphql's terse refusals of an oversized document in the words of the other limits: the token
 * limit names MAX_QUERY_TOKENS; validation's own budget says what to change. Any other error is
 * returned unchanged. The codes stay graphql's (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED; HTTP 400).
 */
export function describeDocumentLimit(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.message === VALIDATION_ABORTED) {
    return {
      ...formatted,
      message: 'The document repeats the same fields too often to be validated; select each field once per selection set.',
    };
  }
  const m = TOO_MANY_TOKENS.exec(formatted.message);
  if (!m) return formatted;
  const maxTokens = Number(m[1]);
  return {
    ...formatted,
    message: `The document has more than ${maxTokens} tokens; the limit is ${maxTokens} (MAX_QUERY_TOKENS).`,
    extensions: { ...formatted.extensions, maxTokens },
  };
}

/** The limits as configured (config.security). */
export function documentLimitsOf(s: {
  maxQueryTokens: number;
  maxQueryAliases: number;
  maxQueryDirectives: number;
  maxQueryFragmentSpreads: number;
}): DocumentLimits {
  return { maxTokens: s.maxQueryTokens, maxAliases: s.maxQueryAliases, maxDirectives: s.maxQueryDirectives, maxFragmentSpreads: s.maxQueryFragmentSpreads };
}
