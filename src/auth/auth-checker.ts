import type { AuthCheckerFn } from 'type-graphql';
import type { CallerContext } from './caller';
import { ForbiddenError, UnauthenticatedError } from '../errors';

/**
 * The scope rule of `@Authorized(scope)`: the caller needs one of the listed scopes. A miss throws
 * FORBIDDEN naming the field, the scope and the token. Applied once per operation to every field
 * the document selects (security/scope-plan.ts), so a refused field answers FORBIDDEN on its own
 * and the rest of the answer still comes back; a subscription's `subscribe` calls it to refuse the
 * subscription up front.
 *
 * With auth switched off (no tokens, outside production) there is no caller and every field is
 * allowed. With auth on and no caller (a transport that skipped authenticate) it fails closed.
 */
export function checkScopes(context: CallerContext, scopes: readonly string[], field: string): true {
  const caller = context.caller;
  if (!caller) {
    const auth = context.services.auth;
    if (auth?.enabled) throw new UnauthenticatedError();
    return true;
  }
  if (scopes.length === 0 || scopes.some((s) => caller.scopes.has(s))) return true;
  throw new ForbiddenError(`Field "${field}" needs scope ${scopes.map((s) => `"${s}"`).join(' or ')}; token "${caller.name}" does not have it.`, scopes[0]);
}

/**
 * type-graphql's authChecker for `@Authorized(scope)`, on the fields type-graphql still wraps (see
 * build-schema.ts): the same rule, throwing on that field only.
 */
export const authChecker: AuthCheckerFn<CallerContext> = ({ context, info }, scopes) =>
  checkScopes(context, scopes, `${info.parentType.name}.${info.fieldName}`);
