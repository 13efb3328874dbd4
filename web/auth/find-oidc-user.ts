/**
 * Which local user an OpenID sign-in is: the one linked to its subject (`<issuer>|<sub>`), else
 * the one whose username is the configured claim (e-mail by default), who is then linked so later
 * sign-ins find them whatever that claim becomes. Nobody is ever created here: an administrator
 * creates users, the provider only proves who someone is.
 */
import type { WebUserRecord } from '../users/user-store';
import { type WebUser, WebUserError } from '../users/web-user';
import type { OidcIdentity } from './oidc-client';

/** The user store's part the OpenID sign-in needs (web/users/user-store.ts SqlUserStore). */
export interface OidcUsers {
  byOidcSubject(subject: string): Promise<WebUserRecord | undefined>;
  byUsername(username: string): Promise<WebUserRecord | undefined>;
  linkOidcSubject(userId: string, subject: string): Promise<void>;
}

export type OidcUserMatch =
  | { kind: 'user'; user: WebUser }
  /** No user has this subject or the claim's username. */
  | { kind: 'unknown' }
  | { kind: 'disabled' }
  /** The username's user is linked to another subject already (another person at the provider). */
  | { kind: 'linked-elsewhere' };

export async function findOidcUser(users: OidcUsers, identity: OidcIdentity, usernameClaim: string): Promise<OidcUserMatch> {
  const linked = await users.byOidcSubject(identity.subject);
  if (linked !== undefined) return linked.disabled ? { kind: 'disabled' } : { kind: 'user', user: linked };
  const username = identity.claims[usernameClaim];
  if (typeof username !== 'string' || username.trim() === '') return { kind: 'unknown' };
  // An e-mail address the provider has not verified may be anyone's: never link an account by it.
  if (usernameClaim === 'email' && identity.claims.email_verified !== true) return { kind: 'unknown' };
  const user = await users.byUsername(username.trim());
  if (user === undefined) return { kind: 'unknown' };
  if (user.disabled) return { kind: 'disabled' };
  try {
    await users.linkOidcSubject(user.userId, identity.subject);
  } catch (err) {
    // A user linked to another subject is not taken over by someone whose claim now says the same.
    if (err instanceof WebUserError) return { kind: 'linked-elsewhere' };
    throw err;
  }
  return { kind: 'user', user };
}
