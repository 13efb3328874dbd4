/**
 * The web application's users in the school's database (app/database/: SQLite or PostgreSQL):
 * creating them, checking a password at sign-in, the log of who opened which case, and the API
 * tokens of integrations. Secrets never rest in the database: a password is stored as its scrypt
 * hash (password.ts), an API token as the SHA-256 of its secret, shown once when created.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppDatabase } from '../../app/database/database';
import type { WebApiTokensTable, WebUsersTable } from '../../app/database/schema';
import { quoteValue } from '../../machines/identifiers';
import { hashPassword, verifyPassword } from './password';
import { type UncheckedNewWebUser, type WebRole, type WebUser, WebUserError, parseNewWebUser, usernameSchema } from './web-user';

/** A stored user: the WebUser with what only administration needs. */
export interface WebUserRecord extends WebUser {
  disabled: boolean;
  /** False: the user signs in through OpenID Connect only. */
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a user did with a case: read it, or opened one of its documents. */
/** A case page or document opened, or payloads opened through the Temporal Web UI's codec endpoint. */
export const CASE_ACCESS_ACTIONS = ['view', 'document', 'decode'] as const;
export type CaseAccessAction = (typeof CASE_ACCESS_ACTIONS)[number];

/** One line of the access log. */
export interface CaseAccessEntry {
  id: number;
  userId: string;
  workflowId: string;
  /** ISO 8601, UTC. */
  openedAt: string;
  action: CaseAccessAction;
}

export interface CaseAccessQuery {
  workflowId?: string;
  userId?: string;
  /** At most this many entries (1–1000). */
  limit: number;
  /** Only entries opened before this instant: the next page after the last entry shown. */
  before?: Date;
}

/** An API token as listed: never its secret. */
export interface ApiTokenRecord {
  tokenId: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** The prefix of every API token's secret, so a leaked one is recognisable (secret scanners, logs). */
export const API_TOKEN_PREFIX = 'sft_';

/** A scope name: lower-case letters, digits, «:» and «-», e.g. `read`, `send`, `cases:read`. */
export const apiScopeSchema = z
  .string()
  .trim()
  .refine((value) => /^[a-z][a-z0-9:-]{0,39}$/.test(value), {
    error: (issue) => `tilgang ${quoteValue(issue.input)} er ugyldig: bruk små bokstaver, sifre, «:» og «-» (1–40 tegn)`,
  });

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const orNull = (value: string | undefined) => value ?? null;

function fromUserRow(row: WebUsersTable): WebUserRecord {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as WebRole,
    ...(row.staff_id === null ? {} : { staffId: row.staff_id }),
    ...(row.school_id === null ? {} : { schoolId: row.school_id }),
    ...(row.municipality_id === null ? {} : { municipalityId: row.municipality_id }),
    disabled: Number(row.disabled) === 1,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Only what a signed-in session carries. */
function webUserOf(record: WebUserRecord): WebUser {
  const { disabled: _disabled, hasPassword: _hasPassword, createdAt: _createdAt, updatedAt: _updatedAt, ...user } = record;
  return user;
}

function fromTokenRow(row: WebApiTokensTable): ApiTokenRecord {
  return {
    tokenId: row.token_id,
    userId: row.user_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as string[],
    createdAt: row.created_at,
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

function nonEmpty(label: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new WebUserError(`${label} mangler.`);
  if (trimmed.length > max) throw new WebUserError(`${label} ${quoteValue(value)} er lengre enn ${max} tegn.`);
  return trimmed;
}

export class SqlUserStore {
  /**
   * A hash of a random password, made once: a sign-in for an unknown user is checked against it,
   * so it takes as long as one for a known user and the answer's timing does not tell who exists.
   */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly database: AppDatabase,
    /** The clock of created_at, updated_at and last_used_at. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a user (password optional: without one, sign-in is through OpenID Connect only). Throws WebUserError or PasswordPolicyError. */
  async create(input: UncheckedNewWebUser & { password?: string }): Promise<WebUserRecord> {
    const { password, ...fields } = input;
    const user = parseNewWebUser(fields);
    const passwordHash = password === undefined ? null : await hashPassword(password);
    if ((await this.byUsername(user.username)) !== undefined)
      throw new WebUserError(`brukernavn ${quoteValue(user.username)} er allerede i bruk.`);
    const at = this.now().toISOString();
    const row: WebUsersTable = {
      user_id: randomUUID(),
      username: user.username,
      display_name: user.displayName,
      password_hash: passwordHash,
      role: user.role,
      staff_id: orNull(user.staffId),
      school_id: orNull(user.schoolId),
      municipality_id: orNull(user.municipalityId),
      oidc_subject: null,
      disabled: 0,
      created_at: at,
      updated_at: at,
    };
    try {
      await this.database.db.insertInto('web_users').values(row).execute();
    } catch (err) {
      // Another process took the name between the check and the insert (the unique index refused it).
      if ((await this.byUsername(user.username)) !== undefined)
        throw new WebUserError(`brukernavn ${quoteValue(user.username)} er allerede i bruk.`, { cause: err });
      throw err;
    }
    return fromUserRow(row);
  }

  /**
   * The user whose username and password these are, or undefined: unknown user, wrong password,
   * disabled user or a user without a password all answer the same, after the same scrypt work.
   */
  async verifyPassword(username: string, password: string): Promise<WebUser | undefined> {
    const row = await this.rowByUsername(username);
    const stored = row?.password_hash ?? (await (this.dummyHash ??= hashPassword(randomBytes(24).toString('base64url'))));
    const matches = await verifyPassword(password, stored);
    if (row === undefined || row.password_hash === null || !matches || Number(row.disabled) === 1) return undefined;
    return webUserOf(fromUserRow(row));
  }

  /** The user, disabled ones too (check `disabled` before trusting a session). */
  async get(userId: string): Promise<WebUserRecord | undefined> {
    const row = await this.database.db.selectFrom('web_users').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row === undefined ? undefined : fromUserRow(row);
  }

  /** The user with this username, in any case (the lookup lower-cases it), disabled ones too. */
  async byUsername(username: string): Promise<WebUserRecord | undefined> {
    const row = await this.rowByUsername(username);
    return row === undefined ? undefined : fromUserRow(row);
  }

  /** The user linked to this OpenID subject (`<issuer>|<sub>`), disabled ones too. */
  async byOidcSubject(subject: string): Promise<WebUserRecord | undefined> {
    const row = await this.database.db.selectFrom('web_users').selectAll().where('oidc_subject', '=', subject).executeTakeFirst();
    return row === undefined ? undefined : fromUserRow(row);
  }

  /**
   * Links a user to an OpenID subject (`<issuer>|<sub>`), so later sign-ins find them by it whatever
   * the provider's other claims become. A link is never moved: throws WebUserError when the user is
   * unknown, already linked to another subject, or the subject belongs to another user.
   */
  async linkOidcSubject(userId: string, subject: string): Promise<void> {
    const linked = nonEmpty('OpenID-subjekt', subject, 500);
    const owner = await this.byOidcSubject(linked);
    if (owner !== undefined && owner.userId !== userId)
      throw new WebUserError(`OpenID-subjektet ${quoteValue(linked)} er allerede koblet til brukeren ${quoteValue(owner.username)}.`);
    if (owner !== undefined) return;
    const result = await this.database.db
      .updateTable('web_users')
      .set({ oidc_subject: linked, updated_at: this.now().toISOString() })
      .where('user_id', '=', userId)
      .where('oidc_subject', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return;
    const user = await this.get(userId);
    if (user === undefined) throw new WebUserError(`Finner ingen bruker med id ${quoteValue(userId)}.`);
    throw new WebUserError(`Brukeren ${quoteValue(user.username)} er allerede koblet til et annet OpenID-subjekt.`);
  }

  private async rowByUsername(username: string): Promise<WebUsersTable | undefined> {
    const parsed = usernameSchema.safeParse(username);
    if (!parsed.success) return undefined;
    return this.database.db.selectFrom('web_users').selectAll().where('username', '=', parsed.data).executeTakeFirst();
  }

  /** Every user, by username. */
  async list(): Promise<WebUserRecord[]> {
    const rows = await this.database.db.selectFrom('web_users').selectAll().orderBy('username').execute();
    return rows.map(fromUserRow);
  }

  /** Sets a new password (policy checked). Throws PasswordPolicyError, or WebUserError for an unknown user. */
  async setPassword(userId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    const result = await this.database.db
      .updateTable('web_users')
      .set({ password_hash: hash, updated_at: this.now().toISOString() })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new WebUserError(`Finner ingen bruker med id ${quoteValue(userId)}.`);
  }

  /** Disables the user: no sign-in, no API token of theirs is accepted. Idempotent. Throws WebUserError for an unknown user. */
  async disable(userId: string): Promise<void> {
    const result = await this.database.db
      .updateTable('web_users')
      .set({ disabled: 1, updated_at: this.now().toISOString() })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new WebUserError(`Finner ingen bruker med id ${quoteValue(userId)}.`);
  }

  /** Records that a user opened a case (every opening is a row; nothing is updated). */
  async logCaseAccess(entry: { userId: string; workflowId: string; action: CaseAccessAction; at?: Date }): Promise<void> {
    if (!CASE_ACCESS_ACTIONS.includes(entry.action))
      throw new WebUserError(`handling ${quoteValue(entry.action)} er ukjent; gyldige: ${CASE_ACCESS_ACTIONS.join(', ')}.`);
    await this.database.db
      .insertInto('web_case_access_log')
      .values({
        user_id: nonEmpty('bruker-id', entry.userId, 100),
        workflow_id: nonEmpty('sak', entry.workflowId, 300),
        opened_at: (entry.at ?? this.now()).toISOString(),
        action: entry.action,
      })
      .execute();
  }

  /** The access log, newest first (entries of the same instant: last recorded first), filtered by case and/or user. */
  async caseAccessLog(query: CaseAccessQuery): Promise<CaseAccessEntry[]> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000)
      throw new WebUserError(`antall ${quoteValue(query.limit)} må være et heltall fra 1 til 1000.`);
    let select = this.database.db.selectFrom('web_case_access_log').selectAll();
    if (query.workflowId !== undefined) select = select.where('workflow_id', '=', query.workflowId);
    if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
    if (query.before !== undefined) select = select.where('opened_at', '<', query.before.toISOString());
    const rows = await select.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      userId: row.user_id,
      workflowId: row.workflow_id,
      openedAt: row.opened_at,
      action: row.action as CaseAccessAction,
    }));
  }

  /**
   * A new API token for a user: its secret (`sft_<tokenId>_<random>`) is returned here once and
   * only its SHA-256 is stored. Throws WebUserError for an unknown or disabled user, a bad name or scope.
   */
  async createApiToken(input: { userId: string; name: string; scopes: readonly string[] }): Promise<{ tokenId: string; secret: string }> {
    const user = await this.get(input.userId);
    if (user === undefined) throw new WebUserError(`Finner ingen bruker med id ${quoteValue(input.userId)}.`);
    if (user.disabled) throw new WebUserError(`Brukeren ${quoteValue(user.username)} er deaktivert og kan ikke få nøkler.`);
    const name = nonEmpty('navn på nøkkelen', input.name, 100);
    if (input.scopes.length === 0) throw new WebUserError('tilganger mangler: gi minst én (f.eks. read).');
    const scopes = [
      ...new Set(
        input.scopes.map((scope) => {
          const parsed = apiScopeSchema.safeParse(scope);
          if (!parsed.success) throw new WebUserError(`${parsed.error.issues[0]?.message ?? 'ugyldig tilgang'}.`);
          return parsed.data;
        }),
      ),
    ];
    // Hex, so the id never holds the «_» that separates the parts of the secret.
    const tokenId = randomBytes(8).toString('hex');
    const secret = `${API_TOKEN_PREFIX}${tokenId}_${randomBytes(32).toString('base64url')}`;
    await this.database.db
      .insertInto('web_api_tokens')
      .values({
        token_id: tokenId,
        user_id: user.userId,
        name,
        token_hash: sha256(secret),
        scopes: JSON.stringify(scopes),
        created_at: this.now().toISOString(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { tokenId, secret };
  }

  /**
   * The user and scopes of a token's secret, or undefined for an unknown, revoked or malformed
   * secret or a disabled user. Marks the token as used now. The lookup is by the secret's hash,
   * so comparing it reveals nothing about the secret.
   */
  async verifyApiToken(secret: string): Promise<{ user: WebUser; scopes: string[]; tokenId: string } | undefined> {
    if (!secret.startsWith(API_TOKEN_PREFIX) || secret.length > 200) return undefined;
    const { db } = this.database;
    const token = await db.selectFrom('web_api_tokens').selectAll().where('token_hash', '=', sha256(secret)).executeTakeFirst();
    if (token === undefined || token.revoked_at !== null) return undefined;
    const user = await this.get(token.user_id);
    if (user === undefined || user.disabled) return undefined;
    await db.updateTable('web_api_tokens').set({ last_used_at: this.now().toISOString() }).where('token_id', '=', token.token_id).execute();
    return { user: webUserOf(user), scopes: fromTokenRow(token).scopes, tokenId: token.token_id };
  }

  /** Revokes a token; true when it was active, false when it was revoked already. Throws WebUserError for an unknown token. */
  async revokeApiToken(tokenId: string): Promise<boolean> {
    const { db } = this.database;
    const token = await db.selectFrom('web_api_tokens').select(['revoked_at']).where('token_id', '=', tokenId).executeTakeFirst();
    if (token === undefined) throw new WebUserError(`Finner ingen API-nøkkel med id ${quoteValue(tokenId)}.`);
    if (token.revoked_at !== null) return false;
    await db
      .updateTable('web_api_tokens')
      .set({ revoked_at: this.now().toISOString() })
      .where('token_id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .execute();
    return true;
  }

  /** A user's API tokens, newest first, revoked ones too (never a secret). */
  async apiTokens(userId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.database.db
      .selectFrom('web_api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('token_id')
      .execute();
    return rows.map(fromTokenRow);
  }
}
