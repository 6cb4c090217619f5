/**
 * `npm start`'s server: the API and the web app in one process. The API starts first, from the
 * environment with API_PORT and API_HOST as its PORT and HOST (it also listens there, for
 * curl and the API reference); then the web app serves the pages on WEB_PORT and answers /api/*
 * with the API's own handler, so a request from the browser is served where it arrives, not
 * sent on through a second HTTP exchange (decision 034). A deployment runs them apart
 * (docs/deploy.md).
 *
 * With NODE_ENV=production both are the compiled builds (decision 026; scripts/start.ts makes
 * them first), loaded on plain node; otherwise tsx runs their sources.
 */
import { pathToFileURL } from 'node:url'
import { API_START_JS, WEB_APP_JS } from './compiled.mjs'

const production = process.env.NODE_ENV === 'production'
const modules = production
  ? { api: pathToFileURL(API_START_JS), web: pathToFileURL(WEB_APP_JS) }
  : {
      api: new URL('../backend/src/start-api.ts', import.meta.url),
      web: new URL('../frontend/server/web-app.ts', import.meta.url),
    }
if (!production) {
  const { register } = await import('tsx/esm/api')
  register()
}
const load = (url) => import(url.href)

const { startApi, startFailure } = await load(modules.api)
let api
try {
  api = await startApi({
    ...process.env,
    PORT: process.env.API_PORT ?? '4000',
    HOST: process.env.API_HOST ?? '127.0.0.1',
  })
} catch (err) {
  console.error(startFailure(err))
  process.exit(1)
}

let web
let stopping = false
/** Drains both (the web port's requests use the API's database), then exits with `code`. */
const stop = async (code) => {
  if (stopping) return
  stopping = true
  await api.stop({ alsoDrain: web ? () => web.close() : undefined })
  process.exit(code)
}
// From here the API is running: a Ctrl-C during the web app's start still drains and closes it.
process.on('SIGTERM', () => void stop(0))
process.on('SIGINT', () => void stop(0))

// Next's production server and React's production build; the API has read its NODE_ENV already.
process.env.NODE_ENV = 'production'
const port = Number(process.env.WEB_PORT ?? 3000)
try {
  const { startWebApp } = await load(modules.web)
  web = await startWebApp({
    port,
    distDir: process.env.NEXT_DIST_DIR ?? '.next',
    publicUrl: process.env.PUBLIC_URL ?? `http://localhost:${port}`,
    api: api.handle,
    apiDescription: `the API in this process (also at ${api.url})`,
  })
} catch (err) {
  // WebAppRefused says why in words; anything else is a fault to show whole.
  console.error(err?.name === 'WebAppRefused' ? `The web app does not start: ${err.message}` : err)
  await stop(1)
}
