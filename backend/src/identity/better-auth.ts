/**
 * Better Auth: users, accounts and sessions (email + password), EdDSA access tokens
 * published as JWKS, and bearer session tokens. Mounted at /api/auth/*.
 */
import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { bearer, jwt } from 'better-auth/plugins'
import type { Logger } from 'pino'
import type { AuditLog } from '../audit/audit-log.js'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { authSchema } from '../db/schema.js'
import type { Background } from '../jobs/background.js'
import type { Mailer } from '../mail/mailer.js'
import { passwordResetMail, verificationMail } from '../mail/messages.js'
import type { AuthLimits } from '../rate-limits/policy.js'
import { amrOfSession } from './amr.js'
import { createDeviceCookies } from './device-cookie.js'
import { hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from './password.js'
import { identityPolicy } from './policy.js'
import { CLIENT_IP_HEADER } from './request-headers.js'
import { forgetResetTokens, hashIdentifier } from './reset-tokens.js'
import type { Revocations } from './revocation.js'
import { revocationReason } from './revocation-reason.js'
import { refusePasswordSessionOfTotpAccount } from './second-factor/password-session-guard.js'
import type { SecondFactors } from './second-factor/second-factors.js'
import { versionedSecrets } from './secrets.js'
import { endSessionsBeyondCap } from './sessions.js'
import { SIGNING_KEY_GRACE_MARGIN_SECONDS } from './signing-keys.js'
import { refuseSessionFromStalePassword } from './stale-password.js'
import { START_SESSION_PATH, sessionStarter } from './start-session.js'

export type AuthDeps = {
  config: Config
  db: Db
  revocations: Revocations
  mailer: Mailer
  audit: AuditLog
  limits: AuthLimits
  background: Background
  secondFactors: SecondFactors
  log: Logger
}

/** How long a password-reset link works: long enough to open the mail, short enough that an old mail is no key. */
export const RESET_TOKEN_TTL_SECONDS = 30 * 60
/** How long an email-verification link works. */
export const VERIFICATION_TOKEN_TTL_SECONDS = 24 * 3600

export function createAuth(deps: AuthDeps) {
  const { config, db, revocations, mailer, audit, limits, background, secondFactors, log } = deps
  const authLog = log.child({ component: 'better-auth' })
  // Tokens travel in the fragment: never sent to a server, so never in a log or a Referer.
  const webLink = (page: string, token: string) => `${config.publicUrl}/${page}#token=${encodeURIComponent(token)}`
  // The instance's own context, for callbacks that Better Auth calls without one.
  const authContext = () => auth.$context
  const auth = betterAuth({
    appName: 'Taskwell',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    // Versioned secrets (decision 028): the current one encrypts, BETTER_AUTH_SECRET_PREVIOUS still
    // decrypts; `secret` is only Better Auth's key for ciphertext made before versions (bare hex).
    secret: config.secretPrevious ?? config.secret,
    secrets: versionedSecrets(config),
    trustedOrigins: [config.publicUrl, ...config.corsOrigins],
    database: drizzleAdapter(db, { provider: 'pg', schema: authSchema }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      // Our own rules (policy.ts: code points, NFKC, block list) run before Better Auth sees
      // a password; these bounds only keep Better Auth from refusing what ours accepts
      // (it counts UTF-16 units, up to 2 per code point).
      minPasswordLength: 1,
      maxPasswordLength: PASSWORD_MAX_LENGTH * 2,
      password: { hash: hashPassword, verify: verifyPassword },
      requireEmailVerification: config.requireEmailVerification,
      resetPasswordTokenExpiresIn: RESET_TOKEN_TTL_SECONDS,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, token }) => {
        // Where the caller must not learn whether an account exists, nothing extra is awaited.
        mailer.send(passwordResetMail(user, webLink('reset-password', token)))
        // The newest link is the only one that works.
        background.run('forgetting older reset links', () => forgetResetTokens(db, user.id, token))
        background.run('recording a reset request', () => audit.record(user.id, 'password_reset_requested'))
      },
      onPasswordReset: async ({ user }) => {
        await forgetResetTokens(db, user.id)
        await limits.forgetSigninFailures(user.email) // the owner proved it; let them sign in
        // Second sweep: a sign-in that verified the old password may have made its session
        // after Better Auth's first one (stale-password.ts).
        await (await authContext()).internalAdapter.deleteUserSessions(user.id)
        await audit.record(user.id, 'password_reset')
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: false,
      autoSignInAfterVerification: false,
      expiresIn: VERIFICATION_TOKEN_TTL_SECONDS,
      sendVerificationEmail: async ({ user, token }) => {
        mailer.send(verificationMail(user, webLink('verify-email', token)))
        background.run('recording a verification mail', () => audit.record(user.id, 'verification_email_sent'))
      },
      afterEmailVerification: async (user) => {
        await audit.record(user.id, 'email_verified')
      },
    },
    user: { deleteUser: { enabled: true } },
    verification: { storeIdentifier: { hash: hashIdentifier } },
    session: {
      expiresIn: config.sessionTtlSeconds,
      updateAge: config.sessionUpdateAgeSeconds,
      // Off: a cached session would outlive its revocation.
      cookieCache: { enabled: false },
      // How it was signed in (amr.ts); set by the server only.
      additionalFields: { amr: { type: 'string', required: false, input: false } },
    },
    // Off: our limits (rate-limits/policy.ts) count failures per account and per real client IP.
    rateLimit: { enabled: false },
    // Errors that are not Better Auth's own (our policy's problem documents, a database that is
    // down) reach our error handler instead of becoming a bare 500 inside Better Auth.
    onAPIError: { throw: true },
    advanced: {
      useSecureCookies: config.publicUrl.startsWith('https://'),
      // The whole address on session records (Better Auth keeps only the /64 of IPv6 by default).
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER], ipv6Subnet: 128 },
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/' },
      // Better Auth ends "all sessions of a user" (reset, deletion, revoke-others) by finding them
      // with this limit and running the delete hook, which revokes their access tokens, for each
      // one found; all are deleted either way. At 100, sessions past the 100th kept working
      // access tokens for up to their 15 minutes.
      database: { defaultFindManyLimit: Number.MAX_SAFE_INTEGER },
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await audit.record(user.id, 'signed_up')
          },
        },
      },
      session: {
        create: {
          after: async (session, ctx) => {
            const { internalAdapter } = await authContext()
            if (ctx?.path === '/sign-in/email') {
              const { password } = ctx.body as { password: string }
              const endSession = (token: string) => internalAdapter.deleteSession(token)
              await refuseSessionFromStalePassword(db, session, password, endSession)
              await refusePasswordSessionOfTotpAccount(db, secondFactors, session, endSession)
            }
            // Every way in makes a session, so every way in keeps the user within the cap.
            await endSessionsBeyondCap(db, internalAdapter, {
              userId: session.userId,
              keepSessionId: session.id,
              max: config.sessionsMaxPerUser,
              maxAgeSeconds: config.sessionMaxAgeSeconds,
            })
            if (ctx?.path === START_SESSION_PATH || ctx?.path === '/sign-in/email') {
              await audit.record(session.userId, 'signed_in')
            }
          },
        },
        delete: {
          // Every way a session ends passes here: sign-out, revocation, reset, account deletion.
          after: async (session, ctx) => {
            await revocations.revoke(session.id, revocationReason(ctx?.path))
            // Our own routes record their own events; this is Better Auth's sign-out.
            if (ctx?.path === '/sign-out') await audit.record(session.userId, 'signed_out')
          },
        },
      },
    },
    plugins: [
      identityPolicy({
        limits,
        passwordMinLength: config.passwordMinLength,
        requireEmailVerification: config.requireEmailVerification,
        secondFactors,
        devices: createDeviceCookies({ secret: config.secret, secure: config.publicUrl.startsWith('https://') }),
        sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
        signinFailureMinMs: config.signinFailureMinMs,
      }),
      jwt({
        jwks: {
          keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' },
          // A key retired by `npm run rotate:signing-key` stays published until the last token it
          // signed has expired (a minute's margin for clocks), then leaves the JWKS (decision 028).
          gracePeriod: config.accessTokenTtlSeconds + SIGNING_KEY_GRACE_MARGIN_SECONDS,
        },
        jwt: {
          issuer: config.publicUrl,
          audience: config.publicUrl,
          expirationTime: `${config.accessTokenTtlSeconds}s`,
          definePayload: ({ user, session }) => ({
            sid: session.id,
            email: user.email,
            amr: amrOfSession(session.amr as string | null | undefined),
          }),
        },
        disableSettingJwtHeader: true,
      }),
      bearer(),
      sessionStarter(),
    ],
    telemetry: { enabled: false },
    // Into our structured logs (and LOG_LEVEL), not straight to stderr. Only the message:
    // Better Auth's extra arguments may carry request data.
    logger: { log: (level, message) => authLog[level](message) },
  })
  return auth
}

export type Auth = ReturnType<typeof createAuth>

/** Whether an account uses `email` (compared lower-case, as Better Auth stores it). */
export async function isEmailRegistered(auth: Auth, email: string): Promise<boolean> {
  const { internalAdapter } = await auth.$context
  return (await internalAdapter.findUserByEmail(email.toLowerCase())) !== null
}
