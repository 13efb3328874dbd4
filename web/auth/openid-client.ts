/**
 * openid-client, the OpenID Connect library, is published as an ES module only; this project's
 * modules are CommonJS, where TypeScript refuses a static import of it. Its types are imported as
 * an ES module's and the library itself is loaded once with a dynamic import() at start-up
 * (web/main.ts), then handed to the sign-in (tests hand in their own copy the same way).
 */
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };

export type OpenIdClientModule = typeof OpenIdClient;
export type OidcConfiguration = OpenIdClient.Configuration;

/** The library, loaded as the ES module it is. */
export function loadOpenIdClient(): Promise<OpenIdClientModule> {
  return import('openid-client');
}
