/**
 * The OpenID Connect client of the sign-in: the authorization code flow with PKCE (S256), state
 * and nonce, against the provider of the settings (Feide, Entra ID). The provider's discovery
 * document is read on the first sign-in, not at start-up, so the web application starts (and
 * local sign-in works) while the provider is unreachable; a failed read is tried again next time.
 * The ID token's signature, issuer, audience, nonce and expiry are checked by openid-client.
 */
import type { OidcSettings } from '../../app/settings';
import type { OidcConfiguration, OpenIdClientModule } from './openid-client';

/** What one sign-in keeps between leaving for the provider and coming back (in the sealed session). */
export interface PendingOidcSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go after signing in (checked with safeNext when used). */
  next?: string;
}

/** Who the provider says signed in: the verified ID token's claims. */
export interface OidcIdentity {
  /** `<issuer>|<sub>`: unique across providers, and what a local user is linked by. */
  subject: string;
  claims: Readonly<Record<string, unknown>>;
}

/** The scopes asked for: the ID token, and the e-mail and name the first sign-in matches a user by. */
const SCOPE = 'openid email profile';

export class OidcClient {
  private configuration: Promise<OidcConfiguration> | undefined;

  constructor(
    readonly settings: OidcSettings,
    private readonly lib: OpenIdClientModule,
  ) {}

  /** The provider's name on the button and in messages. */
  get displayName(): string {
    return this.settings.displayName;
  }

  private discover(): Promise<OidcConfiguration> {
    const { lib, settings } = this;
    // http is allowed by the settings only on loopback (a test provider); never turn checks off otherwise.
    const insecure = new URL(settings.issuer).protocol === 'http:';
    this.configuration ??= lib
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        undefined,
        insecure ? { execute: [lib.allowInsecureRequests] } : {},
      )
      .catch((err: unknown) => {
        this.configuration = undefined;
        throw err;
      });
    return this.configuration;
  }

  /** The provider's authorization address for a new sign-in, and what to keep until the user comes back. */
  async begin(next?: string): Promise<{ url: string; pending: PendingOidcSignIn }> {
    const { lib } = this;
    const configuration = await this.discover();
    const pending: PendingOidcSignIn = {
      state: lib.randomState(),
      nonce: lib.randomNonce(),
      codeVerifier: lib.randomPKCECodeVerifier(),
      ...(next === undefined ? {} : { next }),
    };
    const url = lib.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: SCOPE,
      response_type: 'code',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await lib.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /**
   * Exchanges the code of the provider's answer (`query`: the callback's query string) for the
   * tokens and returns the verified ID token's subject and claims. Throws when anything does not
   * check out (state, code, signature, issuer, audience, nonce, expiry).
   */
  async complete(query: string, pending: PendingOidcSignIn): Promise<OidcIdentity> {
    const configuration = await this.discover();
    const callback = new URL(this.settings.redirectUri);
    callback.search = query;
    const tokens = await this.lib.authorizationCodeGrant(configuration, callback, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (claims === undefined) throw new Error('the token response has no ID token');
    return { subject: `${claims.iss}|${claims.sub}`, claims };
  }
}
