/**
 * `requireUser`: the gate in front of every protected route.
 * A bearer JWT is verified locally and its `sid` checked against the revocation set
 * (no database); a bearer session token or the session cookie falls back to
 * Better Auth's session lookup.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/env.js'
import { unauthorized } from '../http/problem.js'
import { type Amr, amrOfSession } from './amr.js'
import type { Auth } from './better-auth.js'
import type { Revocations } from './revocation.js'
import { looksLikeJwt, type TokenService } from './tokens.js'

/** Who made the request, once `requireUser` has let it through. */
export type Caller = {
  userId: string
  email: string
  sessionId: string
  /** How the session was signed in (amr.ts). */
  amr: Amr
  /** How the caller proved who they are. */
  via: 'jwt' | 'session'
}

declare module 'hono' {
  interface ContextVariableMap {
    caller: Caller
  }
}

export type CallerResolver = {
  /**
   * Who the request's credentials belong to, or null. `jwt: false` demands a session;
   * `allowRevoked` accepts a revoked access token (sign-out may name its session again).
   */
  resolve(headers: Headers, options?: { jwt?: boolean; allowRevoked?: boolean }): Promise<Caller | null>
}

export function bearerToken(headers: Headers): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(headers.get('authorization') ?? '')
  return match?.[1]
}

export function createCallerResolver(deps: {
  auth: Auth
  tokens: TokenService
  revocations: Revocations
}): CallerResolver {
  const { auth, tokens, revocations } = deps
  return {
    async resolve(headers, options = {}) {
      const bearer = bearerToken(headers)
      if (headers.has('authorization') && !bearer) return null
      if (bearer && looksLikeJwt(bearer)) {
        if (options.jwt === false) return null
        const claims = await tokens.verify(bearer)
        if (!claims || (!options.allowRevoked && revocations.isRevoked(claims.sid))) return null
        return { userId: claims.sub, email: claims.email, sessionId: claims.sid, amr: claims.amr, via: 'jwt' }
      }
      if (!bearer && !headers.has('cookie')) return null
      const found = await auth.api.getSession({ headers: sessionHeaders(headers, bearer) })
      if (!found || revocations.isRevoked(found.session.id)) return null
      return {
        userId: found.user.id,
        email: found.user.email,
        sessionId: found.session.id,
        amr: amrOfSession(found.session.amr),
        via: 'session',
      }
    },
  }
}

/** Only the credential goes to Better Auth, so nothing else in the request can sway it. */
function sessionHeaders(headers: Headers, bearer: string | undefined): Headers {
  if (bearer) return new Headers({ authorization: `Bearer ${bearer}` })
  return new Headers({ cookie: headers.get('cookie') ?? '' })
}

export function createRequireUser(callers: CallerResolver): MiddlewareHandler<AppEnv> {
  return async function requireUser(c, next) {
    const caller = await callers.resolve(c.req.raw.headers)
    if (!caller) throw unauthorized()
    c.set('caller', caller)
    await next()
  }
}
