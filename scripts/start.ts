/**
 * `npm start` (and `npm run dev` with --dev): the API and the web app together, one URL.
 * The web app (Next.js) serves the pages and proxies /api/* to the API, so the browser sees a
 * single origin. Builds the web app on first start. Ctrl-C stops both.
 *
 * The proxy's destination is given to the web app now, not read from its build, and the API must
 * be the program listening there: a port already taken is refused. The API believes the client
 * addresses the proxy reports only with a secret made for this run, so no other local process can
 * pick the address its rate limits count.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { compiledDestinations, isServableBuild } from '../frontend/server/compiled-destinations'
import { buildWebApp } from '../frontend/server/web-build'
import { API, API_SERVER_JS, buildProblem, compile, WEB_SERVER, WEB_SERVER_JS } from './compiled.mjs'

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

async function main() {
  const apiUrl = `http://127.0.0.1:${apiPort}`
  const env = { NEXT_TELEMETRY_DISABLED: '1', API_URL: apiUrl }
  // Whoever listens on the API's port gets every password the web app is sent.
  if (await portInUse(apiPort)) {
    throw new Error(
      `Port ${apiPort} on 127.0.0.1 is already in use. The web app would send it every password and cookie: ` +
        'stop that program (another Taskwell?) or choose another API_PORT.',
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
  // The web app's proof that a client address it reports is one it saw (http/client-ip.ts).
  const proxySecret = process.env.TRUSTED_PROXY_SECRET ?? randomBytes(32).toString('base64url')
  if (production) {
    for (const unit of [API, WEB_SERVER]) {
      const problem = buildProblem(unit)
      if (!problem) continue
      console.log(`Compiling ${unit.name} (${problem}; \`npm run build\` rebuilds it)…`)
      const status = compile(unit)
      if (status !== 0) process.exit(status)
    }
  }
  const apiArgs = production
    ? [API_SERVER_JS]
    : ['--import', 'tsx', ...(dev ? ['--watch'] : []), 'backend/src/server.ts']
  run('The API', apiArgs, {
    cwd: root,
    env: {
      PORT: String(apiPort),
      HOST: process.env.HOST ?? '127.0.0.1', // only the web app's proxy talks to it
      PUBLIC_URL: webUrl,
      TRUSTED_PROXIES: process.env.TRUSTED_PROXIES ?? '127.0.0.1,::1', // the proxy's X-Forwarded-For…
      TRUSTED_PROXY_SECRET: proxySecret, // …when it carries this, which other local programs cannot
    },
  })
  await waitFor(`${apiUrl}/healthz`, 'The API')
  // Production: our own server around Next (frontend/server.ts) proxies /api/* to API_URL,
  // setting X-Forwarded-For from the socket and vouching for it with the secret. Development:
  // plain `next dev`, whose proxy sends no secret, so the API counts every client as 127.0.0.1.
  if (dev) run('The web app', [nextBin, 'dev', '-p', String(webPort)], { cwd: frontend, env })
  else
    run('The web app', production ? [WEB_SERVER_JS] : ['--import', 'tsx', 'server.ts'], {
      cwd: frontend,
      env: {
        ...env,
        PORT: String(webPort),
        NODE_ENV: 'production',
        PUBLIC_URL: webUrl,
        TRUSTED_PROXY_SECRET: proxySecret,
      },
    })
  await waitFor(`http://127.0.0.1:${webPort}/signin`, 'The web app')
  console.log(`\n  Taskwell is ready: open ${webUrl}\n  (API reference: ${webUrl}/api/docs; Ctrl-C stops both)\n`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  void stop(1)
})
