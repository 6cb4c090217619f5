/**
 * Building the web app so that a build is either finished or not served at all.
 *
 * `next build` writes its output into the dist directory as it goes, BUILD_ID early on: a build
 * that failed (NODE_ENV=development exported in the shell makes Next prerender with React's
 * development build, which fails on /_global-error) or was killed half-way leaves a directory that
 * looks built, and the server then crashes on the first file that is missing. So the build is
 * marked finished by one more file, written last and atomically once `next build` succeeded, and
 * removed before a build starts: a build without it is rebuilt (npm start) or refused (server.ts).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

/** Written last into the dist directory, holding the BUILD_ID of the build it vouches for. */
export const BUILD_COMPLETE_FILE = 'taskwell-build-complete'

/** Whether `distDir` holds a build that `next build` finished: its marker names its BUILD_ID. */
export function isCompleteBuild(distDir: string): boolean {
  const marker = join(distDir, BUILD_COMPLETE_FILE)
  const buildId = join(distDir, 'BUILD_ID')
  if (!existsSync(marker) || !existsSync(buildId)) return false
  return readFileSync(marker, 'utf8') === readFileSync(buildId, 'utf8')
}

/**
 * Runs `next build` in `frontend` into `distDir` (absolute, or relative to `frontend`; the config
 * reads it from NEXT_DIST_DIR) and marks it finished when it succeeded. Returns the exit status.
 * NODE_ENV is production whatever the shell says: it is what `next build` makes.
 */
export function buildWebApp(frontend: string, distDir: string, env: NodeJS.ProcessEnv = process.env): number {
  const dir = resolve(frontend, distDir)
  const nextBin = createRequire(join(frontend, 'package.json')).resolve('next/dist/bin/next')
  // A build that did not finish may have left any file cut short, and `next build` reads some of
  // them back (a truncated JSON fails it): such a build starts from nothing. A finished one keeps
  // its cache.
  if (isCompleteBuild(dir)) rmSync(join(dir, BUILD_COMPLETE_FILE), { force: true })
  else rmSync(dir, { recursive: true, force: true })
  const build = spawnSync(process.execPath, [nextBin, 'build'], {
    cwd: frontend,
    stdio: 'inherit',
    env: { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: distDir },
  })
  if (build.status !== 0) return build.status ?? 1
  const buildId = join(dir, 'BUILD_ID')
  if (!existsSync(buildId)) return 1
  const partial = join(dir, `${BUILD_COMPLETE_FILE}.partial`)
  writeFileSync(partial, readFileSync(buildId, 'utf8'))
  renameSync(partial, join(dir, BUILD_COMPLETE_FILE))
  return 0
}
