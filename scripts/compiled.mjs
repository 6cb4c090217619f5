/**
 * What production runs on plain `node`, no tsx and no esbuild at run time (decision 026): the
 * API compiled by tsc into backend/dist, and the web app's own server (frontend/server.ts and
 * server/: Next for the pages, /api/* by proxy or by the API in the same process) into
 * frontend/dist-server. Plain JavaScript itself, so
 * that the production launcher checks a build without loading a TypeScript loader.
 *
 * A build is current when its marker, written last (like the web app's, decision 024), holds the
 * digest of the sources and compiler settings it was made from: a build that failed, was stopped
 * half-way or is older than the sources is never run.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BACKEND = join(ROOT, 'backend')
const FRONTEND = join(ROOT, 'frontend')
const isTest = (file) => file.endsWith('.test.ts')

/** Files under `dir` (relative to `base`), recursively or not, tests aside. */
function filesIn(base, dir, recursive) {
  return readdirSync(join(base, dir), { recursive, withFileTypes: true })
    .filter((entry) => entry.isFile() && !isTest(entry.name))
    .map((entry) => relative(base, join(entry.parentPath ?? entry.path, entry.name)))
}

/** @typedef {{ name: string, dir: string, tsconfig: string, out: string, sources: () => string[], assets?: [string, string] }} Unit */

/** @type {Unit} The API: backend/src, and the files it reads beside its code (migrations, the password block list). */
export const API = {
  name: 'the API',
  dir: BACKEND,
  tsconfig: 'tsconfig.build.json',
  out: 'dist',
  sources: () => ['tsconfig.json', 'tsconfig.build.json', ...filesIn(BACKEND, 'src', true)],
  assets: ['src', 'dist'],
}

/** @type {Unit} The web app's server: server.ts and server/ (the pages themselves are Next's build). */
export const WEB_SERVER = {
  name: "the web app's server",
  dir: FRONTEND,
  tsconfig: 'tsconfig.server.json',
  out: 'dist-server',
  sources: () => ['tsconfig.server.json', 'server.ts', ...filesIn(FRONTEND, 'server', false)],
}

export const API_SERVER_JS = join(BACKEND, 'dist', 'server.js')
/** What `npm start`'s one process (scripts/start-together.mjs) loads in production: the API's start, and the web app's. */
export const API_START_JS = join(BACKEND, 'dist', 'start-api.js')
export const WEB_APP_JS = join(FRONTEND, 'dist-server', 'server', 'web-app.js')

const markerOf = (unit) => join(unit.dir, unit.out, 'build-info.json')

/** A digest of what `unit` is compiled from. */
export function sourceDigest(unit) {
  const hash = createHash('sha256')
  for (const file of unit.sources().sort()) hash.update(file).update(readFileSync(join(unit.dir, file)))
  return hash.digest('hex')
}

/** Why `unit`'s build must not be run (none, unfinished, or older than the sources), or undefined when it may. */
export function buildProblem(unit) {
  const where = relative(ROOT, join(unit.dir, unit.out))
  let built
  try {
    built = JSON.parse(readFileSync(markerOf(unit), 'utf8')).sourceDigest
  } catch {
    return `${where} holds no finished build`
  }
  return built === sourceDigest(unit) ? undefined : `${where} was built from other sources than there are now`
}

/** Compiles `unit` with tsc, copies its assets, marks it finished. Returns the exit status; says why on failure. */
export function compile(unit) {
  let tsc
  try {
    tsc = createRequire(join(unit.dir, 'package.json')).resolve('typescript/bin/tsc')
  } catch {
    console.error(`Cannot compile ${unit.name}: TypeScript is not installed (npm install, without --omit=dev).`)
    return 1
  }
  const digest = sourceDigest(unit)
  const out = join(unit.dir, unit.out)
  rmSync(out, { recursive: true, force: true })
  const run = spawnSync(process.execPath, [tsc, '-p', unit.tsconfig], { cwd: unit.dir, stdio: 'inherit' })
  if (run.status !== 0) return run.status ?? 1
  if (unit.assets) {
    const [from, to] = unit.assets.map((d) => join(unit.dir, d))
    cpSync(from, to, { recursive: true, filter: (file) => !file.endsWith('.ts') })
  }
  if (!existsSync(out)) return 1
  const partial = `${markerOf(unit)}.partial`
  writeFileSync(partial, JSON.stringify({ sourceDigest: digest, builtAt: new Date().toISOString() }, null, 2))
  renameSync(partial, markerOf(unit))
  return 0
}

/**
 * Compiles `unit` when its build may not be run (buildProblem), saying so first, with `hint`
 * after the reason. Returns compile's exit status, or 0 when the build was current.
 */
export function compileIfStale(unit, hint = '') {
  const problem = buildProblem(unit)
  if (!problem) return 0
  console.log(`Compiling ${unit.name} (${problem}${hint})…`)
  return compile(unit)
}
