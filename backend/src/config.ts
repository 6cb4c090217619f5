/**
 * Every environment variable Taskwell reads, parsed once with zod.
 * `process.env` is read here and nowhere else.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { z } from 'zod'

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def)

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )

const origin = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin)

/** An IP address or a CIDR block, as accepted by `TRUSTED_PROXIES`. */
const ipOrCidr = z.string().refine((s) => {
  const [ip, bits, ...rest] = s.split('/')
  if (rest.length > 0 || !isIP(ip ?? '')) return false
  if (bits === undefined) return true
  const max = isIP(ip ?? '') === 4 ? 32 : 128
  return /^\d+$/.test(bits) && Number(bits) <= max
}, 'must be an IP address or CIDR block')

const envSchema = z.object({
  /** `production` makes BETTER_AUTH_SECRET and SMTP_URL (or MAIL_OUTBOX_IN_PRODUCTION) required. @default development */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** @default 4000 */
  PORT: int(4000, 0, 65535),
  /** Interface to listen on. @default all interfaces */
  HOST: z.string().min(1).optional(),
  /** postgres:// URL; unset → embedded PGlite under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** A direct postgres:// URL (no pooler in transaction mode) for LISTEN and migrations. @default DATABASE_URL */
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Named prepared statements on DATABASE_URL: `auto` is on unless DATABASE_DIRECT_URL is set. @default auto */
  DATABASE_PREPARED_STATEMENTS: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Where PGlite and the development secret live. @default ./data */
  DATA_DIR: z.string().min(1).default('./data'),
  /** At least 32 characters; signs cookies and encrypts the JWT private key. */
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** During a rotation, the secret being replaced: still decrypts and verifies, never encrypts (decision 028). */
  BETTER_AUTH_SECRET_PREVIOUS: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Origin users reach the app at; JWT issuer and audience. @default http://localhost:PORT */
  PUBLIC_URL: origin.optional(),
  /** Extra browser origins allowed by CORS and Better Auth's CSRF check (comma-separated). */
  CORS_ORIGINS: list.pipe(z.array(origin)),
  /** Proxies whose X-Forwarded-For is believed (IPs or CIDR blocks, comma-separated). */
  TRUSTED_PROXIES: list.pipe(z.array(ipOrCidr)),
  /** With it, X-Forwarded-For counts only on requests carrying it in X-Taskwell-Proxy-Secret (the web unit's proxy sends it). */
  TRUSTED_PROXY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Access token (JWT) lifetime in seconds. @default 900 */
  ACCESS_TOKEN_TTL_SECONDS: int(900, 30, 86_400),
  /** Session lifetime in seconds, sliding. @default 604800 (7 days) */
  SESSION_TTL_SECONDS: int(604_800, 300, 31_536_000),
  /** How often a used session's expiry is pushed forward, in seconds. @default 86400 */
  SESSION_UPDATE_AGE_SECONDS: int(86_400, 0, 31_536_000),
  /** Absolute session lifetime in seconds from sign-in, however often it is used. @default 2592000 (30 days) */
  SESSION_MAX_AGE_SECONDS: int(2_592_000, 300, 31_536_000),
  /** Active sessions a user may have; a new one ends the least recently used beyond it. @default 50 */
  SESSIONS_MAX_PER_USER: int(50, 1, 10_000),
  /** Sign-in attempts and sessions started (any way in) per client IP per 15 minutes. @default 100 */
  RATE_LIMIT_SIGNINS_PER_IP: int(100, 1),
  /** Security events are deleted this many days after they were recorded. @default 365 */
  AUDIT_RETENTION_DAYS: int(365, 1, 36_500),
  /** How often expired sessions, counters, challenges and old security events are deleted, in seconds. @default 3600 */
  CLEANUP_INTERVAL_SECONDS: int(3600, 10, 86_400),
  /** Minimum password length in code points (NIST 800-63B rev 4 asks 15 for single-factor). @default 8 */
  PASSWORD_MIN_LENGTH: int(8, 8, 64),
  /** @default 100 */
  RATE_LIMIT_SIGNUP_PER_HOUR: int(100, 1),
  /** Failed sign-ins per account from one client IP per 15 minutes, and per device cookie in a row. @default 10 */
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: int(10, 1),
  /** Failed sign-ins per account per 24 hours from clients without its device cookie. @default 1000 */
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT_PER_DAY: int(1000, 1),
  /** First pause, in ms, of a sign-in of an account with many failures from clients without its device cookie. @default 1000 */
  SIGNIN_ACCOUNT_DELAY_MS: int(1000, 0, 60_000),
  /** Longest such pause, in ms (the pause doubles with each failure). @default 10000 */
  SIGNIN_ACCOUNT_DELAY_MAX_MS: int(10_000, 0, 60_000),
  /** A failed sign-in is answered no sooner than this many ms after it began. @default 250 */
  SIGNIN_FAILURE_MIN_MS: int(250, 0, 5_000),
  /** Failed sign-ins per client IP per 15 minutes. @default 50 */
  RATE_LIMIT_SIGNIN_FAILURES_PER_IP: int(50, 1),
  /** How long a rate-limited sign-in waits before its 429, in ms (a tarpit). @default 1000 */
  SIGNIN_REFUSAL_DELAY_MS: int(1000, 0, 10_000),
  /** Verification (and, apart, password-reset) mails sent per email address per window; more requests send nothing. @default 1 */
  RATE_LIMIT_EMAIL_PER_ADDRESS: int(1, 1),
  /** That window, in seconds; at most a reset link's lifetime, so the last mail sent still works. @default 900 */
  RATE_LIMIT_EMAIL_PER_ADDRESS_WINDOW_SECONDS: int(900, 1, 1800),
  /** Verification and password-reset mails requested per client IP per hour. @default 30 */
  RATE_LIMIT_EMAIL_PER_IP: int(30, 1),
  /** Wrong TOTP or recovery codes per account per 15 minutes. @default 5 */
  RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT: int(5, 1),
  /** Wrong TOTP or recovery codes per account per 24 hours. @default 20 */
  RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT_PER_DAY: int(20, 1),
  /** Passkey sign-in options per client IP per 15 minutes. @default 300 */
  RATE_LIMIT_PASSKEY_OPTIONS_PER_IP: int(300, 1),
  /** How long a sign-in's second step (mfa_token) and a passkey challenge live, in seconds. @default 300 */
  AUTH_CHALLENGE_TTL_SECONDS: int(300, 30, 3600),
  /** WebAuthn relying party ID: PUBLIC_URL's host name or a registrable suffix of it. @default PUBLIC_URL's host */
  PASSKEY_RP_ID: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be a lower-case host name')
    .optional(),
  /** smtp:// or smtps:// URL of the mail server; unset → mail is written to DATA_DIR/outbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** `true` lets a production server write mail to DATA_DIR/outbox when SMTP_URL is unset. @default false */
  MAIL_OUTBOX_IN_PRODUCTION: z.enum(['true', 'false']).default('false'),
  /** Sender of Taskwell's mail. @default Taskwell <no-reply@localhost> */
  MAIL_FROM: z.string().min(3).default('Taskwell <no-reply@localhost>'),
  /** `true` blocks sign-in until the email address is verified. @default false */
  REQUIRE_EMAIL_VERIFICATION: z.enum(['true', 'false']).default('false'),
  /** Largest accepted request body in bytes. @default 65536 */
  BODY_LIMIT_BYTES: int(65_536, 1024, 10_485_760),
  /** Memory for cached task-list pages, in MiB; 0 turns the cache off. @default 32 */
  TASK_LIST_CACHE_MB: int(32, 0, 4096),
  /** Connections in the pg pool. @default 10 */
  DATABASE_POOL_SIZE: int(10, 1, 200),
  /** Tasks one account may hold; creating more is 409. @default 10000 */
  TASKS_MAX_PER_USER: int(10_000, 1, 10_000_000),
  /** Task writes (create, change, complete, delete) per user per minute, on each instance. @default 120 */
  RATE_LIMIT_TASK_WRITES_PER_MINUTE: int(120, 1),
  /** Task-list searches (`q`) per user per minute, on each instance. @default 60 */
  RATE_LIMIT_TASK_SEARCHES_PER_MINUTE: int(60, 1),
  /** Longest a filtered or searched task list may run in the database, in ms (PostgreSQL). @default 2000 */
  TASK_LIST_STATEMENT_TIMEOUT_MS: int(2000, 1, 600_000),
  /** Filtered or searched task lists one user may run at once, on each instance. @default 1 */
  TASK_LIST_CONCURRENCY_PER_USER: int(1, 1, 100),
  /** The `retry:` a live-sync stream sends: how long EventSource waits before reconnecting, in ms. @default 2000 */
  SYNC_RETRY_MS: int(2000, 100, 600_000),
  /** A live-sync stream sends `: ping` after this many seconds of silence. @default 15 */
  SYNC_HEARTBEAT_SECONDS: int(15, 1, 60),
  /** Live-sync events older than this many seconds are not replayed (resuming gets `resync`). @default 600 */
  SYNC_REPLAY_SECONDS: int(600, 10, 86_400),
  /** Live-sync events kept for replay per user (the latest ones). @default 1000 */
  SYNC_REPLAY_MAX_EVENTS: int(1000, 10, 100_000),
  /** Live-sync streams one user may hold open on each instance. @default 10 */
  SYNC_MAX_STREAMS_PER_USER: int(10, 1, 1000),
  /** Live-sync streams open on one instance. @default 10000 */
  SYNC_MAX_STREAMS: int(10_000, 1, 1_000_000),
})

/**
 * The configuration the app reads, parsed from the variables: what `loadConfig` returns, so its
 * type is this schema's output and cannot drift from the values. Lifetimes are in seconds, delays
 * in ms, sizes in bytes. BETTER_AUTH_SECRET is checked against NODE_ENV even when other variables
 * are bad (`when`), so one error names them all; the transform runs on valid input only, so a
 * development secret is never generated in production.
 */
const configSchema = envSchema
  .refine((e) => e.NODE_ENV !== 'production' || e.BETTER_AUTH_SECRET !== undefined, {
    path: ['BETTER_AUTH_SECRET'],
    message: 'required when NODE_ENV=production',
    when: () => true,
  })
  // Outbox mail holds working links in files on the server: a development convenience that a
  // production server takes only when told to.
  .refine((e) => e.NODE_ENV !== 'production' || e.SMTP_URL !== undefined || e.MAIL_OUTBOX_IN_PRODUCTION === 'true', {
    path: ['SMTP_URL'],
    message:
      'required when NODE_ENV=production (or set MAIL_OUTBOX_IN_PRODUCTION=true to write mail to DATA_DIR/outbox)',
    when: () => true,
  })
  .refine((e) => e.DATABASE_DIRECT_URL === undefined || e.DATABASE_URL !== undefined, {
    path: ['DATABASE_DIRECT_URL'],
    message: 'needs DATABASE_URL (it is the direct connection to the same PostgreSQL database)',
    when: () => true,
  })
  .refine((e) => rpIdFits(e.PASSKEY_RP_ID, e.PUBLIC_URL ?? `http://localhost:${e.PORT}`), {
    path: ['PASSKEY_RP_ID'],
    message: "must be PUBLIC_URL's host name or a registrable suffix of it (browsers refuse anything else)",
    when: () => true,
  })
  .transform((e) => {
    const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`
    const dataDir = resolve(e.DATA_DIR)
    const secret = e.BETTER_AUTH_SECRET ?? developmentSecret(dataDir)
    const generatedSecret = e.BETTER_AUTH_SECRET === undefined
    return Object.freeze({
      /** NODE_ENV. @default 'development' */
      env: e.NODE_ENV,
      /** PORT, the HTTP port. @default 4000 */
      port: e.PORT,
      /** HOST, the interface to listen on. @default undefined (all interfaces) */
      host: e.HOST,
      /** DATABASE_URL. @default undefined (embedded PGlite under dataDir) */
      databaseUrl: e.DATABASE_URL,
      /** DATABASE_DIRECT_URL, for LISTEN and migrations. @default undefined (DATABASE_URL) */
      databaseDirectUrl: e.DATABASE_DIRECT_URL,
      /**
       * DATABASE_PREPARED_STATEMENTS: whether the pool names its prepared statements. `auto`: yes
       * unless DATABASE_DIRECT_URL is set, which says DATABASE_URL is a pooler (decision 023).
       * @default true without DATABASE_DIRECT_URL, false with it
       */
      databasePreparedStatements:
        e.DATABASE_PREPARED_STATEMENTS === 'auto'
          ? e.DATABASE_DIRECT_URL === undefined
          : e.DATABASE_PREPARED_STATEMENTS === 'true',
      /** DATA_DIR, absolute. @default resolve('./data') */
      dataDir,
      /** BETTER_AUTH_SECRET, ≥ 32 characters. @default generated into dataDir/auth-secret outside production */
      secret,
      /** BETTER_AUTH_SECRET_PREVIOUS: the secret a rotation replaces, accepted until removed (decision 028). @default undefined */
      secretPrevious: e.BETTER_AUTH_SECRET_PREVIOUS,
      /** PUBLIC_URL, an origin (JWT `iss` and `aud`). @default `http://localhost:${port}` */
      publicUrl,
      /** CORS_ORIGINS, extra browser origins. @default [] */
      corsOrigins: Object.freeze(e.CORS_ORIGINS),
      /** TRUSTED_PROXIES, IPs or CIDR blocks whose X-Forwarded-For is believed. @default [] */
      trustedProxies: Object.freeze(e.TRUSTED_PROXIES),
      /** TRUSTED_PROXY_SECRET: the proof a trusted proxy's X-Forwarded-For also needs. @default undefined (none needed) */
      trustedProxySecret: e.TRUSTED_PROXY_SECRET,
      /** LOG_LEVEL, a pino level. @default 'info' */
      logLevel: e.LOG_LEVEL,
      /** ACCESS_TOKEN_TTL_SECONDS, access token lifetime in seconds. @default 900 */
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      /** SESSION_TTL_SECONDS, sliding session lifetime in seconds. @default 604800 (7 days) */
      sessionTtlSeconds: e.SESSION_TTL_SECONDS,
      /** SESSION_UPDATE_AGE_SECONDS, how often a used session's expiry moves, in seconds. @default 86400 */
      sessionUpdateAgeSeconds: e.SESSION_UPDATE_AGE_SECONDS,
      /** SESSION_MAX_AGE_SECONDS, absolute session lifetime from sign-in, in seconds. @default 2592000 (30 days) */
      sessionMaxAgeSeconds: e.SESSION_MAX_AGE_SECONDS,
      /** SESSIONS_MAX_PER_USER, active sessions per user (the least recently used beyond it end). @default 50 */
      sessionsMaxPerUser: e.SESSIONS_MAX_PER_USER,
      /** AUDIT_RETENTION_DAYS, how long security events are kept, in days. @default 365 */
      auditRetentionDays: e.AUDIT_RETENTION_DAYS,
      /** CLEANUP_INTERVAL_SECONDS, how often the cleanup job runs, in seconds. @default 3600 */
      cleanupIntervalSeconds: e.CLEANUP_INTERVAL_SECONDS,
      /** PASSWORD_MIN_LENGTH, in code points. @default 8 */
      passwordMinLength: e.PASSWORD_MIN_LENGTH,
      /** Limits per window (each ≥ 1, a count of requests), named by their variables below. @default see each */
      rateLimits: Object.freeze({
        /** RATE_LIMIT_SIGNUP_PER_HOUR, sign-ups per client IP per hour. @default 100 */
        signupPerHour: e.RATE_LIMIT_SIGNUP_PER_HOUR,
        /** RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT, per account and client IP per 15 minutes, and per device cookie. @default 10 */
        signinFailuresPerAccount: e.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT,
        /** RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT_PER_DAY, from clients without a device cookie. @default 1000 */
        signinFailuresPerAccountPerDay: e.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT_PER_DAY,
        /** RATE_LIMIT_SIGNINS_PER_IP, sign-in attempts and started sessions per 15 minutes. @default 100 */
        signinsPerIp: e.RATE_LIMIT_SIGNINS_PER_IP,
        /** RATE_LIMIT_SIGNIN_FAILURES_PER_IP, per 15 minutes. @default 50 */
        signinFailuresPerIp: e.RATE_LIMIT_SIGNIN_FAILURES_PER_IP,
        /** RATE_LIMIT_EMAIL_PER_ADDRESS, mails sent per address (and kind) per window. @default 1 */
        emailPerAddress: e.RATE_LIMIT_EMAIL_PER_ADDRESS,
        /** RATE_LIMIT_EMAIL_PER_ADDRESS_WINDOW_SECONDS, that window in seconds (≤ 1800). @default 900 */
        emailPerAddressWindowSeconds: e.RATE_LIMIT_EMAIL_PER_ADDRESS_WINDOW_SECONDS,
        /** RATE_LIMIT_EMAIL_PER_IP, mails requested per client IP per hour. @default 30 */
        emailPerIp: e.RATE_LIMIT_EMAIL_PER_IP,
        /** RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT, wrong codes per 15 minutes. @default 5 */
        mfaFailuresPerAccount: e.RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT,
        /** RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT_PER_DAY, wrong codes per 24 hours. @default 20 */
        mfaFailuresPerAccountPerDay: e.RATE_LIMIT_MFA_FAILURES_PER_ACCOUNT_PER_DAY,
        /** RATE_LIMIT_PASSKEY_OPTIONS_PER_IP, passkey sign-in options per 15 minutes. @default 300 */
        passkeyOptionsPerIp: e.RATE_LIMIT_PASSKEY_OPTIONS_PER_IP,
      }),
      /** SIGNIN_REFUSAL_DELAY_MS, the tarpit before a rate-limited sign-in's 429, in ms. @default 1000 */
      signinRefusalDelayMs: e.SIGNIN_REFUSAL_DELAY_MS,
      /** SIGNIN_ACCOUNT_DELAY_MS and SIGNIN_ACCOUNT_DELAY_MAX_MS: the growing pause of a much-failed account, in ms. @default 1000, 10000 */
      signinAccountDelay: Object.freeze({ firstMs: e.SIGNIN_ACCOUNT_DELAY_MS, maxMs: e.SIGNIN_ACCOUNT_DELAY_MAX_MS }),
      /** SIGNIN_FAILURE_MIN_MS, the least time a failed sign-in takes, in ms. @default 250 */
      signinFailureMinMs: e.SIGNIN_FAILURE_MIN_MS,
      /** AUTH_CHALLENGE_TTL_SECONDS: an mfa_token's and a passkey challenge's lifetime. @default 300 */
      authChallengeTtlSeconds: e.AUTH_CHALLENGE_TTL_SECONDS,
      /** PASSKEY_RP_ID, the WebAuthn relying party ID. @default PUBLIC_URL's host name */
      passkeyRpId: e.PASSKEY_RP_ID ?? new URL(publicUrl).hostname,
      /** SMTP_URL. @default undefined (mail written to dataDir/outbox) */
      smtpUrl: e.SMTP_URL,
      /** MAIL_OUTBOX_IN_PRODUCTION: a production server may write mail to the outbox. @default false */
      mailOutboxInProduction: e.MAIL_OUTBOX_IN_PRODUCTION === 'true',
      /** MAIL_FROM, the sender. @default 'Taskwell <no-reply@localhost>' */
      mailFrom: e.MAIL_FROM,
      /** REQUIRE_EMAIL_VERIFICATION: sign-in waits for a verified address. @default false */
      requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION === 'true',
      /** BODY_LIMIT_BYTES, the largest request body in bytes. @default 65536 */
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      /** DATABASE_POOL_SIZE, connections in the pg pool. @default 10 */
      databasePoolSize: e.DATABASE_POOL_SIZE,
      /** TASK_LIST_CACHE_MB in bytes; 0 turns the cache off. @default 33554432 (32 MiB) */
      taskListCacheBytes: e.TASK_LIST_CACHE_MB * 1024 * 1024,
      /** Bounds on what one account can make the task API do (each ≥ 1). @default see each */
      taskLimits: Object.freeze({
        /** TASKS_MAX_PER_USER, tasks one account may hold. @default 10000 */
        maxTasksPerUser: e.TASKS_MAX_PER_USER,
        /** RATE_LIMIT_TASK_WRITES_PER_MINUTE, task writes per user per minute per instance. @default 120 */
        writesPerMinute: e.RATE_LIMIT_TASK_WRITES_PER_MINUTE,
        /** RATE_LIMIT_TASK_SEARCHES_PER_MINUTE, lists with `q` per user per minute per instance. @default 60 */
        searchesPerMinute: e.RATE_LIMIT_TASK_SEARCHES_PER_MINUTE,
        /** TASK_LIST_STATEMENT_TIMEOUT_MS, a filtered list's statement timeout in ms (PostgreSQL). @default 2000 */
        listStatementTimeoutMs: e.TASK_LIST_STATEMENT_TIMEOUT_MS,
        /** TASK_LIST_CONCURRENCY_PER_USER, filtered lists running at once per user per instance. @default 1 */
        listConcurrencyPerUser: e.TASK_LIST_CONCURRENCY_PER_USER,
      }),
      /** Live sync over Server-Sent Events (API.md "Live sync"). @default see each */
      sync: Object.freeze({
        /** SYNC_RETRY_MS, the `retry:` sent to clients, in ms. @default 2000 */
        retryMs: e.SYNC_RETRY_MS,
        /** SYNC_HEARTBEAT_SECONDS, silence before a `: ping`, in seconds (1–60). @default 15 */
        heartbeatSeconds: e.SYNC_HEARTBEAT_SECONDS,
        /** SYNC_REPLAY_SECONDS, how old an event may be and still be replayed, in seconds. @default 600 */
        replaySeconds: e.SYNC_REPLAY_SECONDS,
        /** SYNC_REPLAY_MAX_EVENTS, events per user kept for replay. @default 1000 */
        replayMaxEvents: e.SYNC_REPLAY_MAX_EVENTS,
        /** SYNC_MAX_STREAMS_PER_USER, open streams per user on each instance (429 beyond). @default 10 */
        maxStreamsPerUser: e.SYNC_MAX_STREAMS_PER_USER,
        /** SYNC_MAX_STREAMS, open streams on each instance (503 beyond). @default 10000 */
        maxStreams: e.SYNC_MAX_STREAMS,
      }),
      /** Set when the secret was generated for development; server.ts warns about it. @default false */
      generatedSecret,
    })
  })

/**
 * A WebAuthn RP ID must be the page's host or a suffix of it at a label boundary; a bare
 * top-level label (`com`) is never registrable. No value: the host itself is used.
 */
function rpIdFits(rpId: string | undefined, publicUrl: string): boolean {
  if (rpId === undefined) return true
  let host: string
  try {
    host = new URL(publicUrl).hostname
  } catch {
    return true // PUBLIC_URL's own error says what is wrong
  }
  if (host === rpId) return true
  return host.endsWith(`.${rpId}`) && rpId.includes('.')
}

/** The name of every variable `loadConfig` reads (README "Configuration" lists each). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(envSchema.shape))

/** Frozen, nested objects and lists included. */
export type Config = z.output<typeof configSchema>

export class ConfigError extends Error {}

/** Parses the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const parsed = configSchema.safeParse(blankAsUnset)
  if (parsed.success) return parsed.data
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}

/** A random secret kept in DATA_DIR so development sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'auth-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
