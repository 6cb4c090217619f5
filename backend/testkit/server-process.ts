/**
 * "Start a server and wait until it answers", for every test and tool that needs a real
 * process: `node --import tsx src/server.ts` (or another script) on 127.0.0.1:`port`, its output
 * kept, killed if this process dies first.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { onExit } from './exit-cleanup.js'

/** The backend package, where `src/server.ts` is run from. */
export const BACKEND_DIR = fileURLToPath(new URL('..', import.meta.url))

/** The API server, run through tsx. */
export const SERVER_ARGS = ['--import', 'tsx', 'src/server.ts']

const now = () => performance.now()

export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number }

export type ServerProcess = {
  name: string
  child: ChildProcess
  pid: number
  port: number
  /** `http://127.0.0.1:PORT` */
  base: string
  /** The latest output (stdout and stderr together), when it is piped. */
  output(): string
  /** Output lines that matched `watch`, in order, with the moment (performance.now()) they arrived. */
  marks: { line: string; at: number }[]
  exited: Promise<Exit>
  running(): boolean
}

export type ServerProcessOptions = {
  /** What error messages call it. @default 'server' */
  name?: string
  /** Its environment; PORT is `port` unless this names another (a test of a bad PORT does). */
  env: Record<string, string>
  port: number
  /** Node arguments. @default SERVER_ARGS */
  args?: string[]
  /** Start from this process's environment (default: only PATH, HOME and HOST=127.0.0.1 under `env`). */
  inheritEnv?: boolean
  /** 'inherit' shows its output instead of keeping it. @default 'pipe' */
  stdio?: 'pipe' | 'inherit'
  /** Output lines matching this are kept in `marks`. */
  watch?: RegExp
}

const OUTPUT_KEEP = 200_000

export function startServerProcess(options: ServerProcessOptions): ServerProcess {
  const { name = 'server', port, args = SERVER_ARGS, stdio = 'pipe', watch } = options
  const base = options.inheritEnv
    ? { ...process.env }
    : { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), HOST: '127.0.0.1' }
  const child = spawn(process.execPath, args, {
    cwd: BACKEND_DIR,
    env: { ...base, PORT: String(port), ...options.env },
    stdio: stdio === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
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

export type WaitOptions = {
  /** @default '/readyz' */
  path?: string
  /** @default 60_000 */
  timeoutMs?: number
  /** @default 25 */
  pollMs?: number
  /** Which answer counts as up. @default status 200 */
  answers?: (status: number) => boolean
}

/** Polls `path` until it answers; returns the moment (performance.now()) it did. */
export async function waitUntilAnswers(server: ServerProcess, options: WaitOptions = {}): Promise<number> {
  const { path = '/readyz', timeoutMs = 60_000, pollMs = 25, answers = (s) => s === 200 } = options
  const deadline = now() + timeoutMs
  for (;;) {
    if (!server.running()) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode ?? server.child.signalCode}) before it answered:\n${server.output()}`,
      )
    }
    try {
      if (answers(await statusOf(server.base + path))) return now()
    } catch {
      // not listening yet
    }
    if (now() > deadline)
      throw new Error(`${server.name} did not answer ${path} within ${timeoutMs} ms:\n${server.output()}`)
    await sleep(pollMs)
  }
}

/** The status of one GET on a connection of its own (none kept alive to skew what is measured). */
function statusOf(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
  })
}

/** Starts a server process and waits until it answers; kills it if it never does. */
export async function startServerAndWait(
  options: ServerProcessOptions & { wait?: WaitOptions },
): Promise<ServerProcess> {
  const server = startServerProcess(options)
  try {
    await waitUntilAnswers(server, options.wait)
  } catch (err) {
    await kill9(server)
    throw err
  }
  return server
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
  cancel.abort() // a pending timer would keep the process alive
  if (ended === 'timeout') {
    server.child.kill('SIGKILL')
    return { ...(await server.exited), killed: true }
  }
  return { ...(await server.exited), killed: false }
}
