/** The API instances the live-sync benchmark measures: each `node --import tsx src/server.ts`, a process of its own. */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Target } from '../../testkit/databases.js'
import { freePort } from '../../testkit/free-port.js'
import { SERVER_ARGS, type ServerProcess, startServerAndWait, terminate } from '../../testkit/server-process.js'
import { benchServerEnv } from '../settings.js'
import { PROBE_LINE } from './gc-probe.js'

const SECRET = 'bench-sync-secret-that-is-at-least-32-characters'
/** One for every instance on a database (it is every access token's iss and aud); no browser comes here. */
const PUBLIC_URL = 'http://localhost:4700'

/** `probe`: with gc-probe.ts loaded, so `heapAfterGc` can ask it what its heap holds. */
export async function startApi(target: Target, name: string, { probe = false } = {}): Promise<ServerProcess> {
  const port = await freePort()
  const [, , ...server] = SERVER_ARGS // after '--import', 'tsx'
  return startServerAndWait({
    name,
    port,
    args: probe ? ['--expose-gc', '--import', 'tsx', '--import', './bench/sync/gc-probe.ts', ...server] : SERVER_ARGS,
    watch: new RegExp(`^${PROBE_LINE}`),
    env: benchServerEnv(target, SECRET, { PUBLIC_URL }),
    wait: { path: '/readyz', timeoutMs: 60_000, pollMs: 100 },
  })
}

export const stopApi = (server: ServerProcess) => terminate(server, 10_000)

/** VmRSS of a process, in bytes. */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  const kb = Number(line?.match(/(\d+) kB/)?.[1])
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for process ${pid}`)
  return kb * 1024
}

export type HeapAfterGc = { rss: number; heapUsed: number; external: number; arrayBuffers: number }

/** The process's memory right after a full garbage collection (gc-probe.ts, which must be loaded). */
export async function heapAfterGc(server: ServerProcess): Promise<HeapAfterGc> {
  const seen = server.marks.length
  server.child.kill('SIGUSR2')
  const deadline = performance.now() + 30_000
  while (server.marks.length === seen) {
    if (performance.now() > deadline) throw new Error(`${server.name} did not answer the memory probe`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const line = server.marks[seen]?.line ?? ''
  const usage = JSON.parse(line.slice(PROBE_LINE.length)) as HeapAfterGc & { collected: boolean }
  if (!usage.collected) throw new Error(`${server.name} has no gc(): start it with --expose-gc`)
  return usage
}

/** CPU time (user + system) a process has used so far, in ms (/proc/<pid>/stat, at 100 ticks a second). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces: utime is the 14th field.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export type User = { userId: string; token: string; sessionToken: string }

async function signup(base: string): Promise<User> {
  const res = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `sync-${randomUUID()}@bench.example`, password: 'benchmark passphrase 1' }),
  })
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  const body = (await res.json()) as { user: { id: string }; token: string; session_token: string }
  return { userId: body.user.id, token: body.token, sessionToken: body.session_token }
}

/** `count` users signed up through the API, a few at a time (each hashes a password). */
export async function signupMany(base: string, count: number): Promise<User[]> {
  const users: User[] = []
  while (users.length < count) {
    const batch = Math.min(4, count - users.length)
    users.push(...(await Promise.all(Array.from({ length: batch }, () => signup(base)))))
  }
  return users
}
