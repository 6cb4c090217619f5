/**
 * The interactive API reference at /api/docs: Swagger UI over /api/openapi.json, served from
 * this server (swagger-ui-dist) so that it works without reaching a CDN (decision 011).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'

const require = createRequire(import.meta.url)
const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'))
const { version } = require('swagger-ui-dist/package.json') as { version: string }

/** Versioned so that a browser may keep the files for good. */
const ASSETS = `/api/docs/assets/${version}`

const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  tryItOutEnabled: true,
  validatorUrl: null,
})
`

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Taskwell API</title>
<link rel="icon" type="image/png" href="${ASSETS}/favicon-32x32.png">
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`

/** Swagger UI styles some elements inline; everything else comes from this origin. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
}

export function referencePageRouter() {
  const router = new Hono<AppEnv>()
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>()
  const load = (name: string) => {
    const cached = cache.get(name)
    if (cached) return cached
    // Copied once into a plain Uint8Array, the body type Hono takes, not once per request.
    const file = readFile(join(swaggerDir, name)).then((bytes) => new Uint8Array(bytes))
    cache.set(name, file)
    return file
  }

  router.get('/api/docs', (c) => {
    c.header('Content-Security-Policy', CSP)
    return c.html(PAGE)
  })
  router.get('/api/docs/init.js', (c) => {
    return c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })
  })
  router.get(`${ASSETS}/:file`, async (c) => {
    const type = FILES[c.req.param('file')]
    if (!type) return c.notFound()
    c.header('Cache-Control', 'public, max-age=31536000, immutable')
    return c.body(await load(c.req.param('file')), 200, { 'Content-Type': type })
  })
  return router
}
