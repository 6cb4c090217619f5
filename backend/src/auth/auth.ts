/**
 * Better Auth: users, accounts and sessions (email + password), EdDSA access tokens
 * published as JWKS, and bearer session tokens. Mounted at /api/auth/*.
 */
import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { bearer, jwt } from 'better-auth/plugins'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { authSchema } from '../db/schema.js'
import { hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from './password.js'
import type { Revocations } from './revocation.js'

/** Set by our server from the socket (and trusted proxies); any client-sent value is overwritten. */
export const CLIENT_IP_HEADER = 'x-taskwell-client-ip'

export type AuthDeps = { config: Config; db: Db; revocations: Revocations; log: Logger }

export function createAuth({ config, db, revocations, log }: AuthDeps) {
  const authLog = log.child({ component: 'better-auth' })
  return betterAuth({
    appName: 'Taskwell',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    secret: config.secret,
    trustedOrigins: [config.publicUrl, ...config.corsOrigins],
    database: drizzleAdapter(db, { provider: 'pg', schema: authSchema }),
    emailAndPassword: {
      enabled: true,
      autoSignIn: true,
      // Our own policy (code points, NFKC, block list) runs before Better Auth sees a
      // password; these bounds only keep Better Auth from refusing what ours accepts
      // (it counts UTF-16 units, up to 2 per code point).
      minPasswordLength: 1,
      maxPasswordLength: PASSWORD_MAX_LENGTH * 2,
      password: { hash: hashPassword, verify: verifyPassword },
    },
    session: {
      expiresIn: config.sessionTtlSeconds,
      updateAge: config.sessionUpdateAgeSeconds,
      // Off: a cached session would outlive its revocation.
      cookieCache: { enabled: false },
    },
    // Off: our limits (limits.ts) count failures per account and per real client IP.
    rateLimit: { enabled: false },
    advanced: {
      useSecureCookies: config.publicUrl.startsWith('https://'),
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/' },
    },
    databaseHooks: {
      session: {
        delete: {
          // Both our sign-out and Better Auth's end sessions through here.
          after: async (session) => {
            await revocations.revoke(session.id)
          },
        },
      },
    },
    plugins: [
      jwt({
        jwks: { keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' } },
        jwt: {
          issuer: config.publicUrl,
          audience: config.publicUrl,
          expirationTime: `${config.accessTokenTtlSeconds}s`,
          definePayload: ({ user, session }) => ({ sid: session.id, email: user.email }),
        },
        disableSettingJwtHeader: true,
      }),
      bearer(),
    ],
    telemetry: { enabled: false },
    // Into our structured logs (and LOG_LEVEL), not straight to stderr. Only the message:
    // Better Auth's extra arguments may carry request data.
    logger: { log: (level, message) => authLog[level](message) },
  })
}

export type Auth = ReturnType<typeof createAuth>

/** Whether an account uses `email` (compared lower-case, as Better Auth stores it). */
export async function isEmailRegistered(auth: Auth, email: string): Promise<boolean> {
  const { internalAdapter } = await auth.$context
  return (await internalAdapter.findUserByEmail(email.toLowerCase())) !== null
}
