/**
 * Puts an app on a node:http server with deliberate timeouts, and closes it gracefully:
 * (optionally) linger, answering with `Connection: close`; stop accepting; let in-flight
 * requests finish; drop idle keep-alive sockets.
 */
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'

/** Slow clients cannot hold a connection open forever (slowloris). */
const SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16_384,
  // How often those timeouts are enforced (Node's default is every 30 s).
  connectionsCheckingInterval: 1_000,
} as const

export type Listening = {
  server: Server
  url: string
  /**
   * Graceful close; connections still busy after `graceMs` are cut. With `lingerMs`, the
   * server first keeps accepting for up to that long (less once no connection is open) and
   * answers everything with `Connection: close`, so keep-alive clients learn of the shutdown
   * from a response: an idle connection cut at once races the next request sent on it, which
   * then fails with ECONNRESET although the server never saw it (a POST cannot be retried).
   */
  close(graceMs?: number, lingerMs?: number): Promise<void>
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
        close: async (graceMs, lingerMs = 0) => {
          draining.start()
          if (lingerMs > 0) await draining.linger(lingerMs)
          draining.stopAccepting()
          return closeGracefully(server, graceMs)
        },
      })
    })
  })
}

/**
 * While draining, keep-alive connections must not idle until keepAliveTimeout: responses
 * not yet started say `Connection: close`, and once the server stops accepting, each
 * finished response drops the idle ones.
 */
function trackResponses(server: Server) {
  const inFlight = new Set<ServerResponse>()
  const sockets = new Set<Socket>()
  let draining = false
  let accepting = true
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  const closeAfterward = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close')
    res.once('finish', () => setImmediate(() => accepting || server.closeIdleConnections()))
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
    /** Resolves once no connection is open, or after `ms`. */
    linger(ms: number) {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          clearInterval(poll)
          resolve()
        }
        const timer = setTimeout(done, ms)
        const poll = setInterval(() => sockets.size === 0 && done(), 25)
      })
    },
    stopAccepting() {
      accepting = false
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
