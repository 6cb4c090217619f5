/** The Hono environment every router shares: what middleware puts on the context. */
import type { HttpBindings } from '@hono/node-server'
import type { Logger } from 'pino'

export type Caller = {
  userId: string
  email: string
  sessionId: string
  /** How the caller proved who they are. */
  via: 'jwt' | 'session'
}

export type AppEnv = {
  Bindings: Partial<HttpBindings>
  Variables: {
    requestId: string
    log: Logger
    clientIp: string
    caller: Caller
    /** The stored password hash a password was just verified against (auth/stale-password.ts). */
    verifiedPasswordHash: string
  }
}
