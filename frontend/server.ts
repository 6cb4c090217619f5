/**
 * The web app's production server on its own (a deployment's web unit): Next serves the pages,
 * and /api/* goes to the API at API_URL, given now, at start, through our own proxy
 * (server/api-proxy.ts). The proxy sets X-Forwarded-For from the socket and proves itself to the
 * API with TRUSTED_PROXY_SECRET, so the API's rate limits see real client addresses that neither
 * a client nor another local process can choose. (`npm start` instead runs the same web server
 * with the API inside its process: scripts/start-together.mjs.)
 */
import { createApiProxy } from './server/api-proxy.js'
import { startWebApp, WebAppRefused } from './server/web-app.js'

function refuse(reason: string): never {
  console.error(`The web app does not start: ${reason}`)
  process.exit(1)
}

const apiUrl = process.env.API_URL
// Unset would mean a guess (the old default, 127.0.0.1:4000), and whoever listens there gets every password.
if (!apiUrl) refuse('API_URL is not set (the API the web app sends /api/* to)')
const port = Number(process.env.PORT ?? 3000)

try {
  const web = await startWebApp({
    port,
    distDir: process.env.NEXT_DIST_DIR ?? '.next',
    publicUrl: process.env.PUBLIC_URL ?? `http://localhost:${port}`,
    api: createApiProxy({ target: apiUrl, secret: process.env.TRUSTED_PROXY_SECRET }),
    apiDescription: apiUrl,
  })
  const stop = () => void web.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} catch (err) {
  if (err instanceof WebAppRefused) refuse(err.message)
  throw err
}
