/**
 * `npm start` (and `npm run dev` with --dev): the API and the web app together, one URL.
 * `npm start` runs them in one process (scripts/start-together.mjs): the web app serves the pages
 * and answers /api/* with the API's own handler, so the browser sees a single origin and every
 * client address is the socket's. Builds the web app on first start. Ctrl-C stops it.
 * `npm run dev` runs the API and `next dev` apart, next dev proxying /api/* to the API.
 *
 * The API's port must be free: a port already taken is refused, not shared.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { compiledDestinations, isServableBuild } from '../frontend/server/compiled-destinations'
import { buildWebApp } from '../frontend/server/web-build'
import { API, compileIfStale, WEB_SERVER } from './compiled.mjs'

const dev = process.argv.includes('--dev')
/** Production runs the API and the web app's server compiled, on plain node (decision 026); otherwise tsx runs their sources. */
const production = !dev && process.env.NODE_ENV === 'production'
const root = fileURLToPath(new URL('..', import.meta.url))
const frontend = `${root}frontend`
const webPort = Number(process.env.WEB_PORT ?? 3000)
const apiPort = Number(process.env.API_PORT ?? 4000)
const webUrl = process.env.PUBLIC_URL ?? `http://localhost:${webPort}`
const nextBin = `${root}node_modules/next/dist/bin/next`
const children: ChildProcess[] = []
let stopping = false

function run(name: string, args: string[], options: { cwd: string; env: Record<string, string> }) {
  // Same process group as us: whoever stops the group (Ctrl-C, a test runner) stops them too.
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: 'inherit',
  })
  child.on('exit', (code, signal) => {
    if (stopping) return
    console.error(`\n${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping Taskwell.`)
    void stop(1)
  })
  children.push(child)
  return child
}

/** Whether a program already accepts connections on 127.0.0.1:`port`. */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function waitFor(url: string, what: string) {
  for (let i = 0; i < 600; i++) {
    if (stopping) return
    try {
      await fetch(url)
      return
    } catch {
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  throw new Error(`${what} did not start`)
}

async function stop(code: number) {
  if (stopping) return
  stopping = true
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
          setTimeout(() => {
            child.kill('SIGKILL')
            resolve()
          }, 10_000).unref()
        }),
    ),
  )
  process.exit(code)
}

process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))

/**
 * `npm run dev`: the API (restarting on changes) and `next dev`, whose own proxy sends /api/* to
 * the API. It sends no proxy secret, so the API counts every client as 127.0.0.1.
 */
async function startApart(apiUrl: string) {
  run('The API', ['--import', 'tsx', '--watch', 'backend/src/server.ts'], {
    cwd: root,
    env: { PORT: String(apiPort), HOST: process.env.HOST ?? '127.0.0.1', PUBLIC_URL: webUrl },
  })
  await waitFor(`${apiUrl}/healthz`, 'The API')
  run('The web app', [nextBin, 'dev', '-p', String(webPort)], {
    cwd: frontend,
    env: { NEXT_TELEMETRY_DISABLED: '1', API_URL: apiUrl },
  })
}

async function main() {
  const apiUrl = `http://127.0.0.1:${apiPort}`
  // Whoever listens on the API's port gets every password the web app is sent.
  if (await portInUse(apiPort)) {
    throw new Error(
      `Port ${apiPort} on 127.0.0.1 is already in use${dev ? ': the web app would send it every password and cookie' : ''}. ` +
        'Stop that program (another Taskwell?) or choose another API_PORT.',
    )
  }
  const distDir = process.env.NEXT_DIST_DIR ?? '.next'
  // Not only a missing build: one that failed or was killed half-way is rebuilt, never served.
  if (!dev && !isServableBuild(`${frontend}/${distDir}`)) {
    const stale = compiledDestinations(`${frontend}/${distDir}`)
    console.log(
      stale.length > 0
        ? `Rebuilding the web app: its build proxies to ${stale.join(', ')}, fixed when it was built…`
        : 'Building the web app (first start, or the last build did not finish; `npm run build` rebuilds it)…',
    )
    const status = buildWebApp(frontend, distDir)
    if (status !== 0) process.exit(status)
  }
  if (production) {
    for (const unit of [API, WEB_SERVER]) {
      const status = compileIfStale(unit, '; `npm run build` rebuilds it')
      if (status !== 0) process.exit(status)
    }
  }
  if (dev) await startApart(apiUrl)
  else {
    // One process: the API, and the web app answering /api/* with the API's handler (decision 034).
    run('Taskwell', ['scripts/start-together.mjs'], {
      cwd: root,
      env: {
        NEXT_TELEMETRY_DISABLED: '1',
        WEB_PORT: String(webPort),
        API_PORT: String(apiPort),
        API_HOST: process.env.HOST ?? '127.0.0.1',
        PUBLIC_URL: webUrl,
      },
    })
  }
  await waitFor(`http://127.0.0.1:${webPort}/signin`, 'The web app')
  console.log(`\n  Taskwell is ready: open ${webUrl}\n  (API reference: ${webUrl}/api/docs; Ctrl-C stops Taskwell)\n`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  void stop(1)
})
