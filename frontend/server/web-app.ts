/**
 * The web app's production server, started: Next for the pages, `api` for /api/*. It refuses a
 * build that is unfinished or that holds an API address of its own (where passwords go is
 * decided at start, never by a build). Two callers: server.ts, which sends /api/* on to API_URL
 * through our proxy, and `npm start`, which serves it with the API running in the same process.
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import nextModule from 'next'
import type { ApiProxy } from './api-proxy.js'
import { compiledDestinations } from './compiled-destinations.js'
import { isCompleteBuild } from './web-build.js'
import { createWebServer } from './web-server.js'

/** The frontend folder: above this file, or two above when compiled into dist-server/server/. */
export const FRONTEND_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '..' : '../..', import.meta.url))

// Next is CommonJS: plain node hands us its module.exports (the function), bundler typings `.default`.
type CreateNext = typeof import('next').default
const next = ((nextModule as { default?: CreateNext }).default ?? nextModule) as CreateNext

/** The web app will not start, and why, in words for whoever ran it. */
export class WebAppRefused extends Error {
  override name = 'WebAppRefused'
}

export type WebAppOptions = {
  port: number
  /** Next's build folder, relative to the frontend folder. */
  distDir: string
  /** PUBLIC_URL, the origin users reach the app at. */
  publicUrl: string
  /** What answers /api/*: the proxy to API_URL, or the API itself. */
  api: ApiProxy
  /** Where /api/* goes, for the start-up line. */
  apiDescription: string
}

/** In-flight requests get this long to finish on close before their connections are cut. */
const CLOSE_GRACE_MS = 10_000

export type RunningWebApp = { close(): Promise<void> }

export async function startWebApp({
  port,
  distDir,
  publicUrl,
  api,
  apiDescription,
}: WebAppOptions): Promise<RunningWebApp> {
  const build = resolve(FRONTEND_DIR, distDir)
  const compiled = compiledDestinations(build)
  if (compiled.length > 0) {
    throw new WebAppRefused(
      `its build (${distDir}) proxies to ${compiled.join(', ')}, fixed when it was built, while /api/* should go to ${apiDescription}. ` +
        'Rebuild it (npm run build); npm start does so by itself.',
    )
  }
  // A build that failed or was stopped half-way has a BUILD_ID but not all its files (web-build.ts).
  if (!isCompleteBuild(build)) {
    throw new WebAppRefused(
      `${distDir} is not a finished build (none, or one that failed or was stopped). Run npm run build; npm start does so by itself.`,
    )
  }

  // Next reads the build folder from next.config.ts (NEXT_DIST_DIR), as distDir says.
  const app = next({ dev: false, dir: FRONTEND_DIR, port })
  const handle = app.getRequestHandler()
  await app.prepare()

  const server = createWebServer({ pages: handle, api, publicUrl })
  await new Promise<void>((listening, failed) => {
    server.once('error', failed)
    server.listen(port, () => {
      server.off('error', failed)
      listening()
    })
  })
  console.log(`Web app listening on port ${port}, /api/* to ${apiDescription}`)
  return {
    close: () =>
      new Promise<void>((closed) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS)
        force.unref()
        server.close(() => {
          clearTimeout(force)
          closed()
        })
        server.closeIdleConnections()
      }),
  }
}
