import type { AuthCheckerFn } from 'type-graphql';
import type { GatewayContext } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import type { Authenticator } from './authenticator';

/**
 * type-graphql's authChecker for `@Authorized(scope)`: the caller needs one of the listed
 * scopes. A miss throws FORBIDDEN naming the field and the scope; type-graphql raises it on
 * that field only, so the rest of the answer still comes back.
 *
 * With auth switched off (no tokens, outside production) there is no caller and every field is
 * allowed. With auth on and no caller (a transport that skipped authenticate) it fails closed.
 */
export const authChecker: AuthCheckerFn<GatewayContext> = ({ context, info }, scopes) => {
  const caller = context.caller;
  if (!caller) {
    const auth = context.services.auth as Authenticator | undefined;
    if (auth?.enabled) throw new UnauthenticatedError();
    return true;
  }
  if (scopes.length === 0 || scopes.some((s) => caller.scopes.has(s))) return true;
  throw new ForbiddenError(
    `Field "${info.parentType.name}.${info.fieldName}" needs scope ${scopes.map((s) => `"${s}"`).join(' or ')}; token "${caller.name}" does not have it.`,
    scopes[0],
  );
};
