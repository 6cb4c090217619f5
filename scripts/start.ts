/**
 * `npm start` (and `npm run dev` with --dev): the API and the web app together, one URL.
 * The web app (Next.js) serves the pages and proxies /api/* to the API, so the browser sees a
 * single origin. Builds the web app on first start. Ctrl-C stops both.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dev = process.argv.includes('--dev')
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

async function main() {
  const env = { NEXT_TELEMETRY_DISABLED: '1', API_URL: `http://127.0.0.1:${apiPort}` }
  if (!dev && !existsSync(`${frontend}/${process.env.NEXT_DIST_DIR ?? '.next'}/BUILD_ID`)) {
    console.log('Building the web app (first start only; `npm run build` rebuilds it)…')
    const build = spawnSync(process.execPath, [nextBin, 'build'], {
      cwd: frontend,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    })
    if (build.status !== 0) process.exit(build.status ?? 1)
  }
  run('The API', ['--import', 'tsx', ...(dev ? ['--watch'] : []), 'backend/src/server.ts'], {
    cwd: root,
    env: {
      PORT: String(apiPort),
      HOST: process.env.HOST ?? '127.0.0.1', // only the web app's proxy talks to it
      PUBLIC_URL: webUrl,
      TRUSTED_PROXIES: process.env.TRUSTED_PROXIES ?? '127.0.0.1,::1', // the proxy's X-Forwarded-For
    },
  })
  await waitFor(`http://127.0.0.1:${apiPort}/healthz`, 'The API')
  // Production: our own server around Next (frontend/server.ts) sets X-Forwarded-For from the
  // socket. Development: plain `next dev`, whose proxy passes a client's X-Forwarded-For on.
  if (dev) run('The web app', [nextBin, 'dev', '-p', String(webPort)], { cwd: frontend, env })
  else
    run('The web app', ['--import', 'tsx', 'server.ts'], {
      cwd: frontend,
      env: { ...env, PORT: String(webPort), NODE_ENV: 'production' },
    })
  await waitFor(`http://127.0.0.1:${webPort}/signin`, 'The web app')
  console.log(`\n  Taskwell is ready: open ${webUrl}\n  (API reference: ${webUrl}/api/docs; Ctrl-C stops both)\n`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  void stop(1)
})
