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
  /** `production` makes BETTER_AUTH_SECRET required and cookies `Secure`. @default development */
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
  /** Where PGlite and the development secret live. @default ./data */
  DATA_DIR: z.string().min(1).default('./data'),
  /** At least 32 characters; signs cookies and encrypts the JWT private key. */
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Origin users reach the app at; JWT issuer and audience. @default http://localhost:PORT */
  PUBLIC_URL: origin.optional(),
  /** Extra browser origins allowed by CORS and Better Auth's CSRF check (comma-separated). */
  CORS_ORIGINS: list.pipe(z.array(origin)),
  /** Proxies whose X-Forwarded-For is believed (IPs or CIDR blocks, comma-separated). */
  TRUSTED_PROXIES: list.pipe(z.array(ipOrCidr)),
  /** @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Access token (JWT) lifetime in seconds. @default 900 */
  ACCESS_TOKEN_TTL_SECONDS: int(900, 30, 86_400),
  /** Session lifetime in seconds, sliding. @default 604800 (7 days) */
  SESSION_TTL_SECONDS: int(604_800, 300, 31_536_000),
  /** How often a used session's expiry is pushed forward, in seconds. @default 86400 */
  SESSION_UPDATE_AGE_SECONDS: int(86_400, 0, 31_536_000),
  /** Minimum password length in code points (NIST 800-63B rev 4 asks 15 for single-factor). @default 8 */
  PASSWORD_MIN_LENGTH: int(8, 8, 64),
  /** @default 100 */
  RATE_LIMIT_SIGNUP_PER_HOUR: int(100, 1),
  /** Failed sign-ins per account per 15 minutes. @default 10 */
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: int(10, 1),
  /** Failed sign-ins per client IP per 15 minutes. @default 50 */
  RATE_LIMIT_SIGNIN_FAILURES_PER_IP: int(50, 1),
  /** How long a rate-limited sign-in waits before its 429, in ms (a tarpit). @default 1000 */
  SIGNIN_REFUSAL_DELAY_MS: int(1000, 0, 10_000),
  /** Verification and password-reset mails per email address per hour. @default 5 */
  RATE_LIMIT_EMAIL_PER_ADDRESS: int(5, 1),
  /** Verification and password-reset mails requested per client IP per hour. @default 30 */
  RATE_LIMIT_EMAIL_PER_IP: int(30, 1),
  /** smtp:// or smtps:// URL of the mail server; unset → mail is written to DATA_DIR/outbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
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
  .transform((e) => {
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
      /** DATA_DIR, absolute. @default resolve('./data') */
      dataDir,
      /** BETTER_AUTH_SECRET, ≥ 32 characters. @default generated into dataDir/auth-secret outside production */
      secret,
      /** PUBLIC_URL, an origin (JWT `iss` and `aud`). @default `http://localhost:${port}` */
      publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
      /** CORS_ORIGINS, extra browser origins. @default [] */
      corsOrigins: Object.freeze(e.CORS_ORIGINS),
      /** TRUSTED_PROXIES, IPs or CIDR blocks whose X-Forwarded-For is believed. @default [] */
      trustedProxies: Object.freeze(e.TRUSTED_PROXIES),
      /** LOG_LEVEL, a pino level. @default 'info' */
      logLevel: e.LOG_LEVEL,
      /** ACCESS_TOKEN_TTL_SECONDS, access token lifetime in seconds. @default 900 */
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      /** SESSION_TTL_SECONDS, sliding session lifetime in seconds. @default 604800 (7 days) */
      sessionTtlSeconds: e.SESSION_TTL_SECONDS,
      /** SESSION_UPDATE_AGE_SECONDS, how often a used session's expiry moves, in seconds. @default 86400 */
      sessionUpdateAgeSeconds: e.SESSION_UPDATE_AGE_SECONDS,
      /** PASSWORD_MIN_LENGTH, in code points. @default 8 */
      passwordMinLength: e.PASSWORD_MIN_LENGTH,
      /** Limits per window (each ≥ 1, a count of requests), named by their variables below. @default see each */
      rateLimits: Object.freeze({
        /** RATE_LIMIT_SIGNUP_PER_HOUR, sign-ups per client IP per hour. @default 100 */
        signupPerHour: e.RATE_LIMIT_SIGNUP_PER_HOUR,
        /** RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT, per 15 minutes. @default 10 */
        signinFailuresPerAccount: e.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT,
        /** RATE_LIMIT_SIGNIN_FAILURES_PER_IP, per 15 minutes. @default 50 */
        signinFailuresPerIp: e.RATE_LIMIT_SIGNIN_FAILURES_PER_IP,
        /** RATE_LIMIT_EMAIL_PER_ADDRESS, mails per address per hour. @default 5 */
        emailPerAddress: e.RATE_LIMIT_EMAIL_PER_ADDRESS,
        /** RATE_LIMIT_EMAIL_PER_IP, mails requested per client IP per hour. @default 30 */
        emailPerIp: e.RATE_LIMIT_EMAIL_PER_IP,
      }),
      /** SIGNIN_REFUSAL_DELAY_MS, the tarpit before a rate-limited sign-in's 429, in ms. @default 1000 */
      signinRefusalDelayMs: e.SIGNIN_REFUSAL_DELAY_MS,
      /** SMTP_URL. @default undefined (mail written to dataDir/outbox) */
      smtpUrl: e.SMTP_URL,
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
      /** Set when the secret was generated for development; server.ts warns about it. @default false */
      generatedSecret,
    })
  })

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
