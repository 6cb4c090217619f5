import type { NextConfig } from 'next'

/**
 * Where the API listens; the browser never sees it: Next proxies /api/* to it (one origin).
 * Read at build time (rewrites are compiled into the build).
 */
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:4000'
const isProduction = process.env.NODE_ENV === 'production'

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

const nextConfig: NextConfig = {
  // The browser tests build their own copy (pointing at their own API) beside the normal one.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  async rewrites() {
    return [{ source: '/api/:path*', destination: `${apiUrl}/api/:path*` }]
  },
  async headers() {
    return [
      {
        // Pages only: /api/* carries the API's own headers (its docs page sets its own CSP).
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

export default nextConfig
