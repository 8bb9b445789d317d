import type { AuthCheckerFn } from 'type-graphql';
import type { CallerContext } from './caller';
import { ForbiddenError, UnauthenticatedError } from '../errors';

/**
 * type-graphql's authChecker for `@Authorized(scope)`: the caller needs one of the listed
 * scopes. A miss throws FORBIDDEN naming the field and the scope; type-graphql raises it on
 * that field only, so the rest of the answer still comes back.
 *
 * With auth switched off (no tokens, outside production) there is no caller and every field is
 * allowed. With auth on and no caller (a transport that skipped authenticate) it fails closed.
 */
export const authChecker: AuthCheckerFn<CallerContext> = ({ context, info }, scopes) =>
  checkScopes(context, scopes, `${info.parentType.name}.${info.fieldName}`);

/**
 * The rule itself, for places type-graphql's middleware does not reach first: a subscription's
 * `subscribe` runs before any resolver, so it calls this to refuse the subscription up front
 * instead of erroring on every event.
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
