/**
 * Where a Next build itself would proxy requests: the external destinations of the rewrites it
 * compiled into its routes manifest. Ours has none (next.config.ts rewrites /api only in
 * `next dev`; in production our server proxies, to the API_URL it is started with). A build
 * that has one was made before that, or by another config, and would send /api/* (passwords,
 * cookies) to the address fixed when it was built: the server refuses it, `npm start` rebuilds.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isCompleteBuild } from './web-build.js'

/** Whether `distDir` holds a finished build (web-build.ts) that proxies nowhere by itself: one our server may serve. */
export function isServableBuild(distDir: string): boolean {
  return isCompleteBuild(distDir) && compiledDestinations(distDir).length === 0
}

type Rewrite = { source?: string; destination?: string }
type RoutesManifest = {
  rewrites?: Rewrite[] | { beforeFiles?: Rewrite[]; afterFiles?: Rewrite[]; fallback?: Rewrite[] }
}

/** The absolute (`http(s)://…`) rewrite destinations of the build in `distDir`; none when there is no build. */
export function compiledDestinations(distDir: string): string[] {
  const file = join(distDir, 'routes-manifest.json')
  if (!existsSync(file)) return []
  const { rewrites = [] } = JSON.parse(readFileSync(file, 'utf8')) as RoutesManifest
  const all = Array.isArray(rewrites)
    ? rewrites
    : [...(rewrites.beforeFiles ?? []), ...(rewrites.afterFiles ?? []), ...(rewrites.fallback ?? [])]
  return all.map((r) => r.destination ?? '').filter((d) => /^https?:\/\//i.test(d))
}
