/**
 * The web app's HTTP server: /api/* to the API through our proxy, everything else to Next. Pages
 * get Strict-Transport-Security when the app is served over https (PUBLIC_URL); answers from
 * the API keep the API's own headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { type ApiProxy, isApiPath } from './api-proxy.js'

/**
 * A year of https only, subdomains too (backend/src/http/security.ts sends the API's the same).
 * Never over http: a browser would then refuse a developer's every http://localhost site.
 */
export function strictTransportSecurity(publicUrl: string): string | undefined {
  return publicUrl.startsWith('https://') ? 'max-age=31536000; includeSubDomains' : undefined
}

export type WebServerOptions = {
  /** Answers everything that is not /api/*: Next's request handler. */
  pages: (req: IncomingMessage, res: ServerResponse) => unknown
  api: ApiProxy
  /** PUBLIC_URL, the origin users reach the app at. */
  publicUrl: string
}

/**
 * Slow clients cannot hold a connection open for long (slowloris): the API's own server's limits
 * (backend/src/http/listen.ts), since under `npm start` this server takes the API's requests.
 */
const SERVER_OPTIONS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16_384,
  connectionsCheckingInterval: 1_000,
} as const

export function createWebServer({ pages, api, publicUrl }: WebServerOptions): Server {
  const hsts = strictTransportSecurity(publicUrl)
  return createServer(SERVER_OPTIONS, (req, res) => {
    if (isApiPath(req.url)) return api(req, res)
    if (hsts) res.setHeader('Strict-Transport-Security', hsts)
    void pages(req, res)
  })
}
