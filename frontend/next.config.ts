import type { NextConfig } from 'next'
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants'

/**
 * Where the API listens in development; the browser never sees it: `next dev` proxies /api/* to
 * it (one origin). A production build proxies nothing itself: Next would compile the address into
 * the build, and a stale build would send passwords to whatever listens there later. Our server
 * (server.ts) proxies instead, to the API_URL it is started with.
 */
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:4000'
const isProduction = process.env.NODE_ENV === 'production'

/** Longer than the longest quiet spell of a live-sync stream (a 60 s heartbeat). */
export const DEV_PROXY_TIMEOUT_MS = 120_000

// No 'unsafe-eval' in production. Next's inline bootstrap scripts need 'unsafe-inline'
// unless every page is rendered per request with a nonce.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isProduction ? '' : " 'unsafe-eval'"}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ')

export default function nextConfig(phase: string): NextConfig {
  return {
    // The browser tests build their own copy beside the normal one.
    distDir: process.env.NEXT_DIST_DIR ?? '.next',
    poweredByHeader: false,
    reactStrictMode: true,
    // No page uses next/image; its optimizer (/_next/image) would fetch any path of ours,
    // /api/* included, on a stranger's behalf.
    images: { unoptimized: true },
    // `next dev` proxies /api/* (below) with a 30 s idle timeout by default, which would cut a live-sync
    // stream whose heartbeats are further apart (SYNC_HEARTBEAT_SECONDS may be up to 60). Next's
    // `compress` leaves the stream alone: the API sends it `Cache-Control: no-transform`.
    experimental: { proxyTimeout: DEV_PROXY_TIMEOUT_MS },
    async rewrites() {
      return phase === PHASE_DEVELOPMENT_SERVER ? [{ source: '/api/:path*', destination: `${apiUrl}/api/:path*` }] : []
    },
    async headers() {
      return [
        {
          // Pages only: /api/* carries the API's own headers (its docs page sets its own CSP).
          // Strict-Transport-Security depends on PUBLIC_URL, known when the server starts: server.ts sends it.
          source: '/((?!api/).*)',
          headers: [
            { key: 'Content-Security-Policy', value: contentSecurityPolicy },
            { key: 'X-Content-Type-Options', value: 'nosniff' },
            { key: 'Referrer-Policy', value: 'no-referrer' },
            { key: 'X-Frame-Options', value: 'DENY' },
          ],
        },
      ]
    },
  }
}
