/**
 * The one Drizzle schema for both drivers (PGlite and pg).
 * Better Auth's tables use its camelCase field names as property names (its adapter
 * requires that); the columns themselves are snake_case.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

export const user = pgTable('user', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
})

export const session = pgTable(
  'session',
  {
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    token: text('token').notNull().unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    /**
     * How the session was signed in (RFC 8176 `amr` values, space-separated), copied into each
     * of its access tokens; null for sessions older than second factors, which were `pwd`.
     */
    amr: text('amr'),
  },
  (t) => [index('session_user_id_idx').on(t.userId)],
)

export const account = pgTable(
  'account',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true, mode: 'date' }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true, mode: 'date' }),
    scope: text('scope'),
    password: text('password'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('account_user_id_idx').on(t.userId)],
)

export const verification = pgTable(
  'verification',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('verification_identifier_idx').on(t.identifier)],
)

/** Better Auth's jwt plugin keys; the private key is encrypted with BETTER_AUTH_SECRET. */
export const jwks = pgTable('jwks', {
  id: text('id').primaryKey(),
  publicKey: text('public_key').notNull(),
  privateKey: text('private_key').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  alg: text('alg'),
  crv: text('crv'),
})

/**
 * Sessions ended before their access tokens expired. Kept until the last such token
 * expires, so an instance that starts (or reconnects) can rebuild its revocation set.
 */
export const revokedSession = pgTable(
  'revoked_session',
  {
    sessionId: text('session_id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('revoked_session_expires_at_idx').on(t.expiresAt)],
)

/** Fixed-window counters for rate limits, shared by every instance on one database. */
export const rateLimit = pgTable('rate_limit', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  resetAt: timestamp('reset_at', { withTimezone: true, mode: 'date' }).notNull(),
})

/**
 * A user's task. Timestamps have millisecond precision so that the values in a
 * pagination cursor (JavaScript Dates) compare exactly with the stored ones.
 * `priority` is 0 (low), 1 (medium), 2 (high) so that it sorts by meaning.
 */
export const task = pgTable(
  'task',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    completed: boolean('completed').notNull().default(false),
    priority: smallint('priority').notNull().default(1),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date', precision: 3 }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date', precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull(),
  },
  (t) => [
    index('task_user_created_idx').on(t.userId, t.createdAt.desc(), t.id.desc()),
    index('task_user_updated_idx').on(t.userId, t.updatedAt, t.id),
    index('task_user_due_idx').on(t.userId, t.dueAt, t.id),
    index('task_tags_idx').using('gin', t.tags),
    // Case-insensitive substring search (`q`) over title and description.
    index('task_search_trgm_idx').using('gin', sql`(${t.title} || ' ' || ${t.description}) gin_trgm_ops`),
  ],
)

export type TaskRow = typeof task.$inferSelect

/**
 * When each user's tasks last changed: a trigger on `task` moves it in the same transaction as
 * every insert, update and delete (migration 0003), whoever runs them, to the database clock's
 * microseconds and at least one more than before (migration 0006), so it never comes back to a
 * value it had before a restore (decision 025). The task list cache (tasks/list-cache.ts) serves
 * a page only while the version it was built at is still current. No foreign key: the trigger
 * also runs while a user's tasks are deleted with them.
 */
export const taskListVersion = pgTable('task_list_version', {
  userId: text('user_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
})

/**
 * The live-sync feed of each user (API.md "Live sync", decision 030): one row per change, written
 * by triggers on `task` and `user` in the transaction that makes the change (migration 0007), so a
 * write by any route, instance or operator is never missed and a rolled-back one leaves nothing.
 * `position` is the event's id in the user's sequence; `task` is the task row as stored (column
 * names), turned into the API's shape by the same serializer as GET. Kept for replay
 * (SYNC_REPLAY_SECONDS, SYNC_REPLAY_MAX_EVENTS) and then pruned by the cleanup job. No foreign key:
 * a deleted user's `task.deleted` and `account.deleted` outlive the user.
 */
export const syncEvent = pgTable(
  'sync_event',
  {
    userId: text('user_id').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    /** The user's position before this event (0 before their first): a stream at `previous` may resume here. */
    previous: bigint('previous', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    taskId: text('task_id'),
    task: jsonb('task'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 })
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [primaryKey({ columns: [t.userId, t.position] }), index('sync_event_created_idx').on(t.createdAt)],
)

/**
 * Each user's newest live-sync position: microseconds by the database's clock and always at least
 * one more than before, taken under this row's lock, which the writing transaction holds until it
 * commits, so a user's positions are in the commit order of the writes (decision 030). Outlives
 * pruned events, so the newest position is known even when no event is kept.
 */
export const syncPosition = pgTable('sync_position', {
  userId: text('user_id').primaryKey(),
  position: bigint('position', { mode: 'number' }).notNull(),
})

/**
 * Security events of an account (sign-ins, password changes, revocations, …), shown to the
 * user and kept for operators. No foreign key: the `account_deleted` event outlives its user.
 */
export const auditEvent = pgTable(
  'audit_event',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    action: text('action').notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('audit_event_user_created_idx').on(t.userId, t.createdAt.desc(), t.id.desc())],
)

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 })
const userRef = () =>
  text('user_id')
    .notNull()
    .references(() => user.id, { onDelete: 'cascade' })

/**
 * A user's TOTP authenticator (RFC 6238). While `enabledAt` is null it is an enrolment waiting
 * for its first code, until `pendingExpiresAt` or its too many wrong codes. `secret` is encrypted with BETTER_AUTH_SECRET.
 * `lastStep` is the last time step accepted: only later steps are accepted after it (no replay).
 */
export const totpFactor = pgTable('totp_factor', {
  userId: userRef().primaryKey(),
  secret: text('secret').notNull(),
  enabledAt: at('enabled_at'),
  pendingExpiresAt: at('pending_expires_at'),
  /** Wrong codes sent to confirm the pending enrolment; it ends at ENROLMENT_MAX_WRONG_CODES. */
  pendingFailures: integer('pending_failures').notNull().default(0),
  lastStep: bigint('last_step', { mode: 'number' }),
  createdAt: createdAt(),
})

/** One-time recovery codes of a TOTP account: keyed hashes (HMAC), never the codes. */
export const recoveryCode = pgTable(
  'recovery_code',
  {
    id: text('id').primaryKey(),
    userId: userRef(),
    codeHash: text('code_hash').notNull(),
    usedAt: at('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('recovery_code_user_idx').on(t.userId)],
)

/**
 * The second step of a password sign-in: issued after the right password, redeemed with a
 * code. The token is stored hashed; it ends when used, at its 3rd wrong code, or when TOTP is
 * disabled (`endedAt`), and it works only while the account's password hash is still the one
 * the sign-in checked (`passwordFingerprint`), so a reset or change ends it with no hook.
 */
export const mfaChallenge = pgTable(
  'mfa_challenge',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: userRef(),
    passwordFingerprint: text('password_fingerprint').notNull(),
    expiresAt: at('expires_at').notNull(),
    failures: integer('failures').notNull().default(0),
    endedAt: at('ended_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('mfa_challenge_user_idx').on(t.userId), index('mfa_challenge_expires_idx').on(t.expiresAt)],
)

/** A WebAuthn credential (passkey). `credentialId` and `publicKey` are base64url. */
export const passkey = pgTable(
  'passkey',
  {
    id: text('id').primaryKey(),
    userId: userRef(),
    name: text('name').notNull(),
    credentialId: text('credential_id').notNull().unique(),
    publicKey: text('public_key').notNull(),
    signCount: bigint('sign_count', { mode: 'number' }).notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    backupEligible: boolean('backup_eligible').notNull(),
    backedUp: boolean('backed_up').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    lastUsedAt: at('last_used_at'),
  },
  (t) => [index('passkey_user_created_idx').on(t.userId, t.createdAt.desc())],
)

/** The WebAuthn user handle of an account: 32 random bytes (base64url), never the email or id. */
export const webauthnUser = pgTable('webauthn_user', {
  userId: userRef().primaryKey(),
  handle: text('handle').notNull().unique(),
})

/**
 * A WebAuthn challenge waiting for its answer: registration (with its user) or sign-in (no
 * user: usernameless). Single use: the first verification that names it deletes it.
 */
export const webauthnChallenge = pgTable(
  'webauthn_challenge',
  {
    challenge: text('challenge').primaryKey(),
    purpose: text('purpose', { enum: ['registration', 'authentication'] }).notNull(),
    userId: text('user_id').references(() => user.id, { onDelete: 'cascade' }),
    expiresAt: at('expires_at').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('webauthn_challenge_user_idx').on(t.userId, t.createdAt),
    index('webauthn_challenge_expires_idx').on(t.expiresAt),
  ],
)

export const authSchema = { user, session, account, verification, jwks }

export type UserRow = typeof user.$inferSelect
