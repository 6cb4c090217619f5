/**
 * The Hono environment every router shares: what the transport middleware puts on the
 * context. Features declare their own request state beside their code (e.g. the caller, in
 * identity/caller.ts), as Hono's own middleware do.
 */
import type { HttpBindings } from '@hono/node-server'
import type { Logger } from 'pino'

export type AppEnv = {
  Bindings: Partial<HttpBindings>
  Variables: {
    requestId: string
    log: Logger
    clientIp: string
  }
}
