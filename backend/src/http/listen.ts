/**
 * Puts an app on a node:http server with deliberate timeouts, and closes it gracefully:
 * stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
 */
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'

/** Slow clients cannot hold a connection open forever (slowloris). */
const SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16_384,
} as const

export type Listening = {
  server: Server
  url: string
  /** Graceful close; connections still busy after `graceMs` are cut. */
  close(graceMs?: number): Promise<void>
}

export function listen(
  fetch: (req: Request, env: never) => Response | Promise<Response>,
  port: number,
  host?: string,
): Promise<Listening> {
  const server = createAdaptorServer({
    fetch: fetch as never,
    serverOptions: SERVER_OPTIONS,
  }) as Server
  const draining = trackResponses(server)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const { port: actual } = server.address() as AddressInfo
      resolve({
        server,
        url: `http://localhost:${actual}`,
        close: (graceMs) => {
          draining.start()
          return closeGracefully(server, graceMs)
        },
      })
    })
  })
}

/**
 * While draining, keep-alive connections must not idle until keepAliveTimeout: responses
 * not yet started say `Connection: close`, and each finished response drops the idle ones.
 */
function trackResponses(server: Server) {
  const inFlight = new Set<ServerResponse>()
  let draining = false
  const closeAfterward = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close')
    res.once('finish', () => setImmediate(() => server.closeIdleConnections()))
  }
  // Prepended, so it runs before the app's listener can write the response.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) return closeAfterward(res)
    inFlight.add(res)
    res.once('close', () => inFlight.delete(res))
  })
  return {
    start() {
      draining = true
      for (const res of inFlight) closeAfterward(res)
      inFlight.clear()
    },
  }
}

function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs)
    force.unref()
    server.close(() => {
      clearTimeout(force)
      resolve()
    })
    server.closeIdleConnections()
  })
}
