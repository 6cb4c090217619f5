/**
 * Who is making the current request (client IP, user agent), for the security events that
 * Better Auth's callbacks record deep below the handler (they are not handed the request).
 * app.ts mounts `trackRequestOrigin` in front of every route, so an event recorded without
 * one is a bug: outside production it throws, in production it is logged and stored without.
 */
import type { MiddlewareHandler } from 'hono'
import { contextStorage, tryGetContext } from 'hono/context-storage'
import type { AppEnv } from '../http/env.js'

export type RequestOrigin = { ip: string | null; userAgent: string | null }

/** Longest user agent we store; real ones are far shorter. */
export const USER_AGENT_MAX_LENGTH = 512

export const trackRequestOrigin = (): MiddlewareHandler<AppEnv> => contextStorage()

export class MissingRequestOriginError extends Error {
  constructor() {
    super('A security event was recorded outside a request: mount trackRequestOrigin() for every route')
  }
}

/** The current request's origin; without a request, see the module comment. */
export function requestOrigin(strict: boolean): RequestOrigin {
  const c = tryGetContext<AppEnv>()
  if (!c) {
    if (strict) throw new MissingRequestOriginError()
    return { ip: null, userAgent: null }
  }
  return { ip: c.var.clientIp, userAgent: c.req.header('user-agent')?.slice(0, USER_AGENT_MAX_LENGTH) ?? null }
}
