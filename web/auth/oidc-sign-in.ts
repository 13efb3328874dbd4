/** What the web application needs for «Logg inn med …»: the provider's client and the users it may sign in. */
import type { OidcClient } from './oidc-client';
import type { OidcUsers } from './find-oidc-user';

export interface OidcSignIn {
  client: OidcClient;
  users: OidcUsers;
}
