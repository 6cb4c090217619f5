/**
 * `npm run build`: what production runs, each marked finished only when it succeeded, so neither
 * a failed nor a partial build is ever run: the API and the web app's server compiled to
 * JavaScript (scripts/compiled.mjs, decision 026) and the web app's pages (Next's production
 * build, frontend/server/web-build.ts, decision 024).
 */
import { fileURLToPath } from 'node:url'
import { buildWebApp } from '../frontend/server/web-build'
import { API, compile, WEB_SERVER } from './compiled.mjs'

for (const unit of [API, WEB_SERVER]) {
  console.log(`Compiling ${unit.name}…`)
  const status = compile(unit)
  if (status !== 0) {
    console.error(`${unit.name} did not compile; its build is not marked finished, so it will not be run.`)
    process.exit(status)
  }
}
const frontend = fileURLToPath(new URL('../frontend', import.meta.url))
const web = buildWebApp(frontend, process.env.NEXT_DIST_DIR ?? '.next')
if (web !== 0) {
  console.error('The web app did not build; its folder is not marked finished, so it will not be served.')
  process.exit(web)
}
