/**
 * Who is making the current request (client IP, user agent), readable from anywhere below
 * the request's handler, Better Auth's callbacks included. Only the routes that need it pay
 * for the AsyncLocalStorage (app.ts mounts `trackRequestOrigin` on the account routes).
 */
import type { MiddlewareHandler } from 'hono'
import { contextStorage, tryGetContext } from 'hono/context-storage'
import type { AppEnv } from '../http/env.js'

export type RequestOrigin = { ip: string; userAgent: string | null }

/** Longest user agent we store; real ones are far shorter. */
export const USER_AGENT_MAX_LENGTH = 512

export const trackRequestOrigin = (): MiddlewareHandler<AppEnv> => contextStorage()

export function requestOrigin(): RequestOrigin | undefined {
  const c = tryGetContext<AppEnv>()
  if (!c) return undefined
  return { ip: c.var.clientIp, userAgent: c.req.header('user-agent')?.slice(0, USER_AGENT_MAX_LENGTH) ?? null }
}
