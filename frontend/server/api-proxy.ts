/**
 * The web app's /api/* proxy, run by our own server (frontend/server.ts) rather than compiled
 * into the build as a Next rewrite: where it sends requests (passwords, cookies, tokens) is
 * decided each time the server starts, from API_URL, so a build made for one API can never
 * send them to whatever listens where another API used to be.
 *
 * It also vouches for the client: X-Forwarded-For is set to the peer that connected to us
 * (whatever the client sent is dropped), and the secret that makes the API believe it
 * (TRUSTED_PROXY_SECRET) is added here and nowhere else; a client-sent copy is dropped too.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'

/** backend/src/http/client-ip.ts reads it under this name. */
export const PROXY_SECRET_HEADER = 'x-taskwell-proxy-secret'

/** Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, never the message. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // Our server already told the client to continue; the API need not be asked again.
  'expect',
])

/** How long the API may take to answer: as long as it lets a request run (its requestTimeout). */
const UPSTREAM_TIMEOUT_MS = 30_000

/** A live-sync stream (API.md "Live sync"): open for hours, quiet for up to a heartbeat at a time. */
export const isEventStream = (contentType: string | string[] | undefined): boolean =>
  /^text\/event-stream\b/i.test(String(contentType ?? ''))

/** Whether a request target (`req.url`) is the API's: `/api`, `/api/…` or `/api?…`. */
export function isApiPath(url: string | undefined): boolean {
  return url !== undefined && /^\/api(?:[/?]|$)/.test(url)
}

export type ApiProxyOptions = {
  /** API_URL: the API's origin (http or https), perhaps with a path prefix. */
  target: string
  /** TRUSTED_PROXY_SECRET, sent with every request; none when unset. */
  secret?: string | undefined
  timeoutMs?: number
}

export type ApiProxy = (req: IncomingMessage, res: ServerResponse) => void

export function createApiProxy({ target, secret, timeoutMs = UPSTREAM_TIMEOUT_MS }: ApiProxyOptions): ApiProxy {
  const base = new URL(target)
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`API_URL must be http(s): ${target}`)
  const client = base.protocol === 'https:' ? https : http
  const agent = new client.Agent({ keepAlive: true })
  const prefix = base.pathname.replace(/\/+$/, '')

  return function proxyToApi(req, res) {
    const upstream = client.request({
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port,
      method: req.method,
      path: `${prefix}${req.url ?? '/'}`,
      headers: requestHeaders(req, base.host, secret),
      agent,
      timeout: timeoutMs,
    })
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers))
      if (isEventStream(answer.headers['content-type'])) {
        // The timeout bounds the wait for an answer; a stream that has answered lives as long as
        // the API keeps it (its heartbeats may be a minute apart). Headers go now, each event as
        // it comes (pipe writes every chunk at once; nothing here compresses or buffers).
        upstream.setTimeout(0)
        res.flushHeaders()
      }
      answer.pipe(res)
      answer.on('error', () => res.destroy())
    })
    upstream.on('timeout', () => upstream.destroy(new GatewayTimeout()))
    upstream.on('error', (err) => {
      if (res.headersSent) return void res.destroy()
      if (err instanceof GatewayTimeout) return problem(res, 504, 'Gateway Timeout', 'The API took too long to answer')
      problem(res, 502, 'Bad Gateway', 'The API is not answering; try again shortly')
    })
    // The client went away before its answer was complete: stop asking the API.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy()
    })
    req.pipe(upstream)
  }
}

class GatewayTimeout extends Error {}

function requestHeaders(req: IncomingMessage, apiHost: string, secret: string | undefined): IncomingHttpHeaders {
  const headers = withoutHopByHop(req.headers)
  delete headers[PROXY_SECRET_HEADER]
  headers.host = apiHost
  headers['x-forwarded-host'] = req.headers.host ?? ''
  // The peer is the only address we know; a client's own X-Forwarded-For is its word alone.
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? ''
  if (secret !== undefined) headers[PROXY_SECRET_HEADER] = secret
  return headers
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  // Headers the Connection header names are this connection's too.
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
  const kept: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) kept[name] = value
  }
  return kept
}

/** An RFC 9457 problem document, as the API answers its own errors (the web app reads them). */
function problem(res: ServerResponse, status: number, title: string, detail: string) {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' })
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }))
}
