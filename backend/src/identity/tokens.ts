/**
 * Access tokens: signed by Better Auth's jwt plugin (EdDSA, key in the `jwks` table),
 * verified here locally against the public keys (RFC 8725): algorithm pinned to EdDSA,
 * `iss`, `aud`, `exp` required and checked. Verifying touches no database.
 */
import { eq } from 'drizzle-orm'
import { createLocalJWKSet, decodeProtectedHeader, errors, type JSONWebKeySet, jwtVerify } from 'jose'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { session } from '../db/schema.js'
import { unauthorized } from '../http/problem.js'
import { type Amr, amrOfClaim } from './amr.js'
import type { Auth } from './better-auth.js'
import { sessionEnd } from './session-lifetime.js'

export type AccessClaims = { sub: string; sid: string; email: string; amr: Amr; exp: number }

export type IssuedToken = { token: string; expiresAt: Date }

export type TokenService = {
  /**
   * An access token for a live session; its `exp` is never past the session's end (sliding or
   * absolute, session-lifetime.ts). 401 when the session has ended.
   */
  issue(subject: { userId: string; email: string; sessionId: string; amr: Amr }): Promise<IssuedToken>
  /** The token's claims when its signature and claims hold; null otherwise. Ignores revocation. */
  verify(token: string): Promise<AccessClaims | null>
}

/** A compact JWS has three base64url parts; session tokens have none of those dots. */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)

/** Refetching keys on an unknown `kid` is allowed at most this often. */
const KEY_REFRESH_MIN_INTERVAL_MS = 30_000
/** Verified tokens remembered (until their `exp`) so repeat requests skip the signature check. */
const VERIFIED_CACHE_SIZE = 10_000

export async function createTokenService(auth: Auth, config: Config, db: Db): Promise<TokenService> {
  let kids = new Set<string | undefined>()
  const loadKeys = async () => {
    const set = (await auth.api.getJwks()) as JSONWebKeySet
    kids = new Set(set.keys.map((k) => k.kid))
    return createLocalJWKSet(set)
  }
  let keys = await loadKeys()
  // 0, not now: instances starting together on a fresh database may each create a key, and
  // the newest signs; the first unknown `kid` reloads at once, later ones at most every interval.
  let keysRefreshedAt = 0
  const options = {
    algorithms: ['EdDSA'],
    issuer: config.publicUrl,
    audience: config.publicUrl,
    requiredClaims: ['sub', 'sid', 'exp', 'iat'],
  }

  // Requests that meet the unknown `kid` while a reload runs wait for it rather than fail.
  let reloading: Promise<void> | undefined

  async function verifyWithKeys(token: string) {
    const used = keys
    try {
      return await jwtVerify(token, used, options)
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err
      // Another instance may have created a newer key pair since we loaded ours.
      if (!reloading && keys === used && Date.now() - keysRefreshedAt > KEY_REFRESH_MIN_INTERVAL_MS) {
        keysRefreshedAt = Date.now()
        reloading = loadKeys()
          .then((loaded) => {
            keys = loaded
          })
          .finally(() => {
            reloading = undefined
          })
      }
      await reloading
      if (keys === used) throw err
      return jwtVerify(token, keys, options)
    }
  }

  // Keyed by the whole token, so a tampered token is never a hit. Oldest entries go first.
  const verified = new Map<string, AccessClaims>()

  return {
    async issue({ userId, email, sessionId, amr }) {
      const iat = Math.floor(Date.now() / 1000)
      const [times] = await db
        .select({ createdAt: session.createdAt, expiresAt: session.expiresAt })
        .from(session)
        .where(eq(session.id, sessionId))
      const end = times ? Math.floor(sessionEnd(times, config.sessionMaxAgeSeconds).getTime() / 1000) : 0
      if (end <= iat) throw unauthorized('This session has ended; sign in again')
      const exp = Math.min(iat + config.accessTokenTtlSeconds, end)
      const payload = { sub: userId, sid: sessionId, email, amr: [...amr], iat, exp }
      const { token } = await auth.api.signJWT({ body: { payload } })
      // signJWT picks the newest key in the database; if we do not know it yet, our own token would fail here.
      if (!kids.has(decodeProtectedHeader(token).kid)) keys = await loadKeys()
      return { token, expiresAt: new Date(exp * 1000) }
    },

    async verify(token) {
      if (!looksLikeJwt(token)) return null
      const cached = verified.get(token)
      if (cached) {
        if (cached.exp * 1000 > Date.now()) return cached
        verified.delete(token)
      }
      try {
        const { payload } = await verifyWithKeys(token)
        const { sub, sid, email, exp } = payload
        const amr = amrOfClaim(payload.amr)
        if (
          typeof sub !== 'string' ||
          typeof sid !== 'string' ||
          typeof email !== 'string' ||
          typeof exp !== 'number' ||
          !amr
        ) {
          return null
        }
        const claims = { sub, sid, email, amr, exp }
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string)
        verified.set(token, claims)
        return claims
      } catch {
        return null
      }
    },
  }
}
