/**
 * `npm run test:start`: the real `npm start` (scripts/start.ts, real `next build`, real API) on a
 * build folder of its own (.next-start-test) and ports the OS picks, with NODE_ENV=development
 * exported as many developers have it. A first start comes up; a start killed in the middle of
 * its build leaves a folder that looks built (a BUILD_ID) and the next start rebuilds it instead
 * of crashing on its missing files. About a minute: three builds.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '../backend/testkit/free-port.js'
import { BUILD_COMPLETE_FILE } from '../frontend/server/web-build'
import { API, buildProblem, WEB_SERVER } from './compiled.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = '.next-start-test'
const DIST_PATH = join(ROOT, 'frontend', DIST)
const dataDir = mkdtempSync(join(tmpdir(), 'taskwell-start-test-'))
const started: ChildProcess[] = []

type Start = { child: ChildProcess; output: () => string; exited: Promise<number | null>; webPort: number }

/** `npm start` as a shell with NODE_ENV=development exported runs it, in a process group of its own. */
async function start(extraEnv: Record<string, string> = {}): Promise<Start> {
  const webPort = await freePort()
  const apiPort = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'development',
      WEB_PORT: String(webPort),
      API_PORT: String(apiPort),
      DATA_DIR: dataDir,
      NEXT_DIST_DIR: DIST,
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
      ...extraEnv,
    },
  })
  started.push(child)
  let output = ''
  child.stdout?.on('data', (d) => {
    output += d
  })
  child.stderr?.on('data', (d) => {
    output += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => output, exited, webPort }
}

/** Signals the whole group: start.ts, the build or the servers it started. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

async function until(what: string, check: () => boolean, s: Start, timeoutMs: number, everyMs = 100) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (s.child.exitCode !== null) assert.fail(`npm start exited (${s.child.exitCode}) before ${what}:\n${s.output()}`)
    if (Date.now() > deadline) assert.fail(`no ${what} within ${timeoutMs} ms:\n${s.output()}`)
    await sleep(everyMs)
  }
}

async function stop(s: Start) {
  killGroup(s.child, 'SIGTERM')
  const timer = setTimeout(() => killGroup(s.child, 'SIGKILL'), 15_000)
  await s.exited
  clearTimeout(timer)
}

/** It comes up and serves the sign-in page. */
async function expectReady(s: Start) {
  await until('"Taskwell is ready"', () => /Taskwell is ready/.test(s.output()), s, 150_000)
  const res = await fetch(`http://127.0.0.1:${s.webPort}/signin`)
  assert.equal(res.status, 200)
  assert.match(await res.text(), /<html/i)
}

after(() => {
  for (const child of started) killGroup(child, 'SIGKILL')
  rmSync(DIST_PATH, { recursive: true, force: true })
  rmSync(dataDir, { recursive: true, force: true })
})

// Three starts, two of them full builds of the web app (a killed build is rebuilt from nothing).
describe('npm start with NODE_ENV=development exported', { timeout: 600_000 }, () => {
  it('builds the web app on a first start and serves it', async () => {
    rmSync(DIST_PATH, { recursive: true, force: true })
    const s = await start()
    await expectReady(s)
    assert.match(s.output(), /Building the web app/)
    assert.ok(existsSync(join(DIST_PATH, BUILD_COMPLETE_FILE)), 'the finished build is marked')
    await stop(s)
  })

  it('rebuilds a build that was killed half-way instead of serving it', async () => {
    rmSync(DIST_PATH, { recursive: true, force: true })
    const first = await start()
    // BUILD_ID is written before the pages are: the folder now looks built, and is not.
    await until('a BUILD_ID', () => existsSync(join(DIST_PATH, 'BUILD_ID')), first, 150_000, 10)
    killGroup(first.child, 'SIGKILL')
    await first.exited
    assert.ok(existsSync(join(DIST_PATH, 'BUILD_ID')), 'the killed build left a BUILD_ID')
    assert.ok(!existsSync(join(DIST_PATH, BUILD_COMPLETE_FILE)), 'a killed build is not marked finished')

    const second = await start()
    await expectReady(second)
    assert.match(second.output(), /Building the web app/, 'the partial build was rebuilt')
    await stop(second)

    // A finished build is not built again.
    const third = await start()
    await expectReady(third)
    assert.doesNotMatch(third.output(), /Building the web app/)
    await stop(third)
  })

  it('with NODE_ENV=production runs the API and the web server compiled, in one process on plain node', async () => {
    const s = await start({
      NODE_ENV: 'production',
      DATA_DIR: mkdtempSync(join(dataDir, 'production-')),
      BETTER_AUTH_SECRET: 'start-test-secret-0123456789abcdefghijkl',
      MAIL_OUTBOX_IN_PRODUCTION: 'true',
    })
    await expectReady(s)
    const children = childCommandLines(s.child.pid as number)
    assert.equal(children.length, 1, children.join('\n'))
    assert.match(children[0] as string, /^\S*node scripts\/start-together\.mjs$/, 'plain node, no TypeScript loader')
    for (const unit of [API, WEB_SERVER]) assert.equal(buildProblem(unit), undefined, `${unit.name} was compiled`)
    assert.match(s.output(), /\/api\/\* to the API in this process/)
    await stop(s)
  })

  it('when stopped, finishes a request already on the web port before it closes the database', async () => {
    const s = await start()
    await expectReady(s)
    const body = JSON.stringify({ email: `drain-${process.pid}@example.com`, password: 'a sturdy passphrase 42' })
    let send: (rest: string) => void = () => {}
    const answer = new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: s.webPort,
          path: '/api/auth/signup',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.write(body.slice(0, 10)) // the sign-up is under way, waiting for the rest of its body
      send = (rest) => req.end(rest)
    })
    // Settled as it happens (a reset must not go unhandled while the test sleeps).
    const status = answer.then(String, (err: Error) => err.message)
    await sleep(300)
    killGroup(s.child, 'SIGTERM')
    await sleep(700) // the stop is under way meanwhile
    send(body.slice(10))
    assert.equal(await status, '201', `the sign-up was answered, not cut off:\n${s.output()}`)
    assert.equal(await s.exited, 0, s.output())
  })

  it('answers /api/* on the web port from the API in the same process, live-sync streams included', async () => {
    const s = await start()
    await expectReady(s)
    const web = `http://127.0.0.1:${s.webPort}`
    const up = await fetch(`${web}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://localhost:${s.webPort}` },
      body: JSON.stringify({ email: `start-${process.pid}@example.com`, password: 'a sturdy passphrase 42' }),
    })
    assert.equal(up.status, 201, await up.clone().text())
    const { token, user } = (await up.json()) as { token: string; user: { id: string } }
    const auth = { authorization: `Bearer ${token}` }
    const created = await fetch(`${web}/api/${user.id}/tasks`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Through the web port' }),
    })
    assert.equal(created.status, 201)
    const list = (await (await fetch(`${web}/api/${user.id}/tasks`, { headers: auth })).json()) as {
      items: { title: string }[]
    }
    assert.deepEqual(
      list.items.map((t) => t.title),
      ['Through the web port'],
    )
    // The stream's first event arrives at once, not when the answer ends (it never does).
    const controller = new AbortController()
    const stream = await fetch(`${web}/api/${user.id}/events/stream`, {
      headers: { ...auth, accept: 'text/event-stream' },
      signal: controller.signal,
    })
    assert.equal(stream.status, 200)
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader()
    let text = ''
    while (!/event: ready/.test(text)) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    const problem = await fetch(`${web}/api/${user.id}/tasks`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"title":',
    })
    assert.equal(problem.headers.get('content-type'), 'application/problem+json')
    await stop(s)
  })
})

/** The command lines (argv joined by spaces) of the processes whose parent is `pid`. */
function childCommandLines(pid: number): string[] {
  const lines: string[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) lines.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '))
    } catch {
      // gone meanwhile
    }
  }
  return lines
}
