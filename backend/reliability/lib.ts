/**
 * Plumbing for the reliability scenarios: real server processes, throw-away databases,
 * a private PostgreSQL cluster, and a small HTTP client that says exactly how a request failed.
 *
 * Everything started here is registered for a last-resort synchronous clean-up on process
 * exit, on top of the `finally` blocks and test hooks that normally stop it.
 */
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { freePort } from '../test/support/free-port.js'

export const BACKEND_DIR = fileURLToPath(new URL('..', import.meta.url))
export const SECRET = 'reliability-secret-that-is-at-least-32-characters'
export const PASSWORD = 'a sturdy reliability passphrase 7'

// ---------------------------------------------------------------------------------------
// Last-resort clean-up

const exitCleanups = new Set<() => void>()
let exitHookInstalled = false

function runExitCleanups() {
  for (const cleanup of exitCleanups) {
    try {
      cleanup()
    } catch {
      // best effort: the process is going away
    }
  }
  exitCleanups.clear()
}

/**
 * Runs `fn` (synchronously) if the process exits, or is told to by SIGINT, SIGTERM or SIGHUP,
 * before `unregister` is called. A signal is raised again afterwards, so it still ends the process.
 */
export function onExit(fn: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.on('exit', runExitCleanups)
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        runExitCleanups()
        process.kill(process.pid, signal)
      })
    }
  }
  exitCleanups.add(fn)
  return () => exitCleanups.delete(fn)
}

export const now = () => performance.now()

export { freePort }

// ---------------------------------------------------------------------------------------
// Server processes

export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number }

export type ServerProcess = {
  name: string
  child: ChildProcess
  pid: number
  port: number
  base: string
  output(): string
  /** Output lines that matched `watch`, in order. */
  marks: { line: string; at: number }[]
  exited: Promise<Exit>
  running(): boolean
}

const OUTPUT_KEEP = 200_000

/** `node --import tsx src/server.ts` on 127.0.0.1:`port`, with only the given environment. */
export function startServer(
  name: string,
  env: Record<string, string>,
  port: number,
  /** Output lines matching this are kept in `marks` with the moment they arrived. */
  watch?: RegExp,
): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: BACKEND_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      HOST: '127.0.0.1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let partial = ''
  const marks: { line: string; at: number }[] = []
  const keep = (chunk: Buffer) => {
    output += chunk
    if (output.length > OUTPUT_KEEP * 2) output = output.slice(-OUTPUT_KEEP)
    if (!watch) return
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) if (watch.test(line)) marks.push({ line, at: now() })
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: now() }))
  })
  const unregister = onExit(() => child.kill('SIGKILL'))
  void exited.then(unregister)
  if (child.pid === undefined) throw new Error(`${name}: could not spawn the server`)
  return {
    name,
    child,
    pid: child.pid,
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => output.slice(-OUTPUT_KEEP),
    marks,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
  }
}

/** Polls `path` (default /readyz) until it answers 200; returns the moment it did. */
export async function waitReady(server: ServerProcess, timeoutMs = 60_000, path = '/readyz'): Promise<number> {
  const deadline = now() + timeoutMs
  for (;;) {
    if (!server.running()) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode ?? server.child.signalCode}) before it was ready:\n${server.output()}`,
      )
    }
    try {
      const res = await call(server.base, 'GET', path, { timeoutMs: 1_000 })
      if (res.status === 200) return now()
    } catch {
      // not listening yet
    }
    if (now() > deadline) throw new Error(`${server.name} not ready after ${timeoutMs} ms:\n${server.output()}`)
    await sleep(25)
  }
}

export async function kill9(server: ServerProcess): Promise<Exit> {
  if (server.running()) server.child.kill('SIGKILL')
  return server.exited
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with how the process ended. */
export async function terminate(server: ServerProcess, graceMs = 15_000): Promise<Exit & { killed: boolean }> {
  if (!server.running()) return { ...(await server.exited), killed: false }
  server.child.kill('SIGTERM')
  const cancel = new AbortController()
  const timer = sleep(graceMs, 'timeout' as const, { signal: cancel.signal }).catch(() => 'cancelled' as const)
  const ended = await Promise.race([server.exited.then(() => 'exited' as const), timer])
  cancel.abort()
  if (ended === 'timeout') {
    server.child.kill('SIGKILL')
    return { ...(await server.exited), killed: true }
  }
  return { ...(await server.exited), killed: false }
}

/** Resident set size of a process in bytes (Linux /proc, else `ps`). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
    if (kb) return Number(kb) * 1024
  } catch {
    // not Linux
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024
}

/** The environment every scenario gives its servers. */
export function serverEnv(extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    BETTER_AUTH_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '1000000',
    RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '1000000',
    ...extra,
  }
}

// ---------------------------------------------------------------------------------------
// HTTP client

export type Reply = {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  start: number
  end: number
  ms: number
  /** The request went out on a kept-alive connection that had served an earlier one. */
  reusedSocket: boolean
}

/** A request that got no complete response; `code` says why (ECONNREFUSED, ECONNRESET, CLIENT_TIMEOUT...). */
export class RequestFailed extends Error {
  constructor(
    readonly code: string,
    readonly start: number,
    readonly end: number,
    readonly reusedSocket: boolean,
  ) {
    super(`request failed: ${code}`)
  }
  get ms() {
    return this.end - this.start
  }
}

export type CallOptions = {
  token?: string
  json?: unknown
  headers?: Record<string, string>
  /** undefined → a new connection per request. */
  agent?: http.Agent
  /** The whole exchange must finish within this (default 5 s) or it fails as CLIENT_TIMEOUT. */
  timeoutMs?: number
  /** Send the body in two halves this far apart (a slow upload). */
  slowBodyMs?: number
}

export function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const start = now()
  const url = new URL(path, base)
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  let payload: Buffer | undefined
  if (options.json !== undefined) {
    payload = Buffer.from(JSON.stringify(options.json))
    headers['content-type'] = 'application/json'
    headers['content-length'] = String(payload.length)
  }
  return new Promise((resolve, reject) => {
    let settled = false
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method,
      headers,
      agent: options.agent ?? false,
    })
    const fail = (code: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      reject(new RequestFailed(code, start, now(), req.reusedSocket))
    }
    const timer = setTimeout(() => {
      fail('CLIENT_TIMEOUT')
      req.destroy()
    }, options.timeoutMs ?? 5_000)
    req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
      res.on('aborted', () => fail('RESPONSE_ABORTED'))
      res.on('end', () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        const end = now()
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          start,
          end,
          ms: end - start,
          reusedSocket: req.reusedSocket,
        })
      })
    })
    if (payload && options.slowBodyMs) {
      const half = Math.floor(payload.length / 2)
      req.write(payload.subarray(0, half))
      setTimeout(() => req.end(payload.subarray(half)), options.slowBodyMs)
    } else {
      req.end(payload)
    }
  })
}

export type Session = { userId: string; email: string; token: string; sessionToken: string }

export async function signup(base: string, agent?: http.Agent): Promise<Session> {
  const email = `reliability-${randomBytes(5).toString('hex')}@example.com`
  const res = await call(base, 'POST', '/api/auth/signup', {
    json: { email, password: PASSWORD },
    timeoutMs: 15_000,
    ...(agent ? { agent } : {}),
  })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${res.text}`)
  const body = JSON.parse(res.text) as { user: { id: string }; token: string; session_token: string }
  return { userId: body.user.id, email, token: body.token, sessionToken: body.session_token }
}

export async function signin(base: string, email: string): Promise<Session> {
  const res = await call(base, 'POST', '/api/auth/signin', { json: { email, password: PASSWORD }, timeoutMs: 15_000 })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`)
  const body = JSON.parse(res.text) as { user: { id: string }; token: string; session_token: string }
  return { userId: body.user.id, email, token: body.token, sessionToken: body.session_token }
}

// ---------------------------------------------------------------------------------------
// Databases

export type Target = { url: string | undefined; dataDir: string; drop(): Promise<void> }

/**
 * A fresh, empty place to keep data: a new database beside `adminUrl` (PostgreSQL), or a
 * temporary directory for PGlite. `drop` removes it.
 */
export async function freshTarget(
  adminUrl: string | undefined,
  label: string,
  options: { shareOnFailure?: boolean } = {},
): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), `taskwell-${label}-`))
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true })
  const unregisterDir = onExit(removeDir)
  if (!adminUrl) {
    return {
      url: undefined,
      dataDir,
      drop: async () => {
        removeDir()
        unregisterDir()
      },
    }
  }
  const name = `taskwell_${label.replace(/\W/g, '_')}_${randomBytes(5).toString('hex')}`
  try {
    await adminQuery(adminUrl, `create database ${name}`)
  } catch (err) {
    if (!options.shareOnFailure) throw err
    // No CREATEDB right (a test database): share it; every scenario uses fresh users anyway.
    process.emitWarning(`reliability: ${(err as Error).message}; using ${new URL(adminUrl).pathname} itself`)
    return {
      url: adminUrl,
      dataDir,
      drop: async () => {
        removeDir()
        unregisterDir()
      },
    }
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  // psql, if present, can drop it synchronously on an abrupt exit.
  const unregisterDb = onExit(() => {
    spawnSync('psql', [adminUrl, '-qc', `drop database if exists ${name} with (force)`], { stdio: 'ignore' })
  })
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      removeDir()
      unregisterDir()
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`)
      unregisterDb()
    },
  }
}

export async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    return await client.query(text)
  } finally {
    await client.end()
  }
}

/** Resolves to undefined when `url` answers, else to the reason it does not. */
export async function unreachable(url: string): Promise<string | undefined> {
  try {
    await adminQuery(url, 'select 1')
    return undefined
  } catch (err) {
    return `PostgreSQL at ${new URL(url).host} is not reachable: ${(err as Error).message}`
  }
}

// ---------------------------------------------------------------------------------------
// A private PostgreSQL cluster (never the machine's own)

type Tools = { binDir: string; runner: string[]; owner: { uid: number; gid: number } | undefined }
export type ClusterProbe = { ok: true; tools: Tools } | { ok: false; reason: string }

function findBinDir(): string | undefined {
  const candidates: string[] = []
  if (process.env.PG_BIN_DIR) candidates.push(process.env.PG_BIN_DIR)
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: 'pipe' }).trim())
  } catch {
    // no pg_config
  }
  for (const version of ['17', '16', '15', '14']) candidates.push(`/usr/lib/postgresql/${version}/bin`)
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')))
}

/**
 * Can this process run initdb and pg_ctl? As root they refuse to run, so they run as the
 * `postgres` OS user through runuser. Checked by running `initdb --version` that way.
 */
export function probeCluster(): ClusterProbe {
  const binDir = findBinDir()
  if (!binDir) return { ok: false, reason: 'initdb/pg_ctl not found (set PG_BIN_DIR)' }
  let runner: string[] = []
  let owner: Tools['owner']
  if (process.getuid?.() === 0) {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim())
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim())
      owner = { uid, gid }
    } catch (err) {
      return { ok: false, reason: `running as root, and no postgres OS user for initdb (${(err as Error).message})` }
    }
    runner = ['runuser', '-u', 'postgres', '--']
  }
  const [cmd, ...args] = [...runner, join(binDir, 'initdb'), '--version']
  const probe = spawnSync(cmd as string, args, { encoding: 'utf8', timeout: 10_000 })
  if (probe.status !== 0) {
    return { ok: false, reason: `initdb is not runnable: ${probe.error?.message ?? probe.stderr.trim()}` }
  }
  return { ok: true, tools: { binDir, runner, owner } }
}

export type Cluster = {
  url: string
  port: number
  start(): Promise<void>
  stop(mode: 'fast' | 'immediate'): Promise<void>
  /** Stops it (immediate) and deletes its directory. */
  destroy(): Promise<void>
}

/** initdb + pg_ctl start on a free port, listening on 127.0.0.1 and a socket in its own directory. */
export async function createCluster(tools: Tools): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'taskwell-pgcluster-'))
  const dataDir = join(dir, 'data')
  const logFile = join(dir, 'postgres.log')
  if (tools.owner) chownSync(dir, tools.owner.uid, tools.owner.gid)
  const argv = (bin: string, ...args: string[]) => [...tools.runner, join(tools.binDir, bin), ...args]
  const run = (args: string[], timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const [cmd, ...rest] = args
      execFile(cmd as string, rest, { timeout: timeoutMs }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`${args.join(' ')} failed: ${stderr || err.message}`))
        else resolve()
      })
    })
  const stopSync = () => {
    const [cmd, ...rest] = argv('pg_ctl', '-D', dataDir, '-m', 'immediate', '-w', 'stop')
    spawnSync(cmd as string, rest, { stdio: 'ignore', timeout: 30_000 })
    rmSync(dir, { recursive: true, force: true })
  }
  const unregister = onExit(stopSync)
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`
  try {
    await run(argv('initdb', '-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'))
    const start = () => run(argv('pg_ctl', '-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start'))
    await start()
    let destroyed = false
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      start,
      stop: (mode) => run(argv('pg_ctl', '-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop')),
      destroy: async () => {
        if (destroyed) return
        destroyed = true
        await run(argv('pg_ctl', '-D', dataDir, '-m', 'immediate', '-w', 'stop')).catch(() => {})
        rmSync(dir, { recursive: true, force: true })
        unregister()
      },
    }
  } catch (err) {
    stopSync()
    unregister()
    throw err
  }
}

// ---------------------------------------------------------------------------------------
// Numbers

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export const round = (ms: number) => Math.round(ms)
export const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
