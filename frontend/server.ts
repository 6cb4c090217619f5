/**
 * The web app's production server: Next's request handler behind a node:http server that sets
 * X-Forwarded-For to the real peer address. Next's /api proxy passes that header on unchanged,
 * and the API (which trusts this proxy) keys its rate limits by it. Without this, a client could
 * send any X-Forwarded-For it likes, and every browser that sends none would share one key.
 */
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import next from 'next'

const port = Number(process.env.PORT ?? 3000)
const app = next({ dev: false, dir: fileURLToPath(new URL('.', import.meta.url)), port })
const handle = app.getRequestHandler()
await app.prepare()

const server = createServer((req, res) => {
  req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? ''
  void handle(req, res)
})
server.listen(port, () => console.log(`Web app listening on port ${port}`))

const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
