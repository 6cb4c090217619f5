/**
 * The web app's production server: Next serves the pages, and /api/* goes to the API through our
 * own proxy (server/api-proxy.ts), to the API_URL given now, at start. The build holds no API
 * address, so rebuilding is never what decides where passwords and cookies go; a build that does
 * hold one (made before, or by another config) is refused. The proxy sets X-Forwarded-For from
 * the socket and proves itself to the API with TRUSTED_PROXY_SECRET, so the API's rate limits see
 * real client addresses that neither a client nor another local process can choose.
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import nextModule from 'next'
import { createApiProxy } from './server/api-proxy.js'
import { compiledDestinations } from './server/compiled-destinations.js'
import { isCompleteBuild } from './server/web-build.js'
import { createWebServer } from './server/web-server.js'

// The frontend folder: beside this file, or above it when compiled into dist-server/ (production).
const dir = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '.' : '..', import.meta.url))
// Next is CommonJS: plain node hands us its module.exports (the function), bundler typings `.default`.
type CreateNext = typeof import('next').default
const next = ((nextModule as { default?: CreateNext }).default ?? nextModule) as CreateNext
const port = Number(process.env.PORT ?? 3000)
const distDir = process.env.NEXT_DIST_DIR ?? '.next'
const apiUrl = process.env.API_URL
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`

function refuse(reason: string): never {
  console.error(`The web app does not start: ${reason}`)
  process.exit(1)
}

// Unset would mean a guess (the old default, 127.0.0.1:4000), and whoever listens there gets every password.
if (!apiUrl) refuse('API_URL is not set (the API the web app sends /api/* to; npm start sets it)')
const compiled = compiledDestinations(resolve(dir, distDir))
if (compiled.length > 0) {
  refuse(
    `its build (${distDir}) proxies to ${compiled.join(', ')}, fixed when it was built; API_URL says ${apiUrl}. ` +
      'Rebuild it (npm run build); npm start does so by itself.',
  )
}
// A build that failed or was stopped half-way has a BUILD_ID but not all its files (web-build.ts).
if (!isCompleteBuild(resolve(dir, distDir))) {
  refuse(
    `${distDir} is not a finished build (none, or one that failed or was stopped). Run npm run build; npm start does so by itself.`,
  )
}

const app = next({ dev: false, dir, port })
const handle = app.getRequestHandler()
await app.prepare()

const server = createWebServer({
  pages: handle,
  api: createApiProxy({ target: apiUrl, secret: process.env.TRUSTED_PROXY_SECRET }),
  publicUrl,
})
server.listen(port, () => console.log(`Web app listening on port ${port}, API at ${apiUrl}`))

const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
