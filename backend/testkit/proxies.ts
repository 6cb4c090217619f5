/**
 * Debian's PgBouncer and HAProxy as a production deployment runs them, for the tests of a pooled
 * database and of instances behind a balancer (test/production/): each in a temporary directory
 * of its own, on ports of its own, stopped (and its directory removed) by `stop()` or when this
 * process exits.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { onExit } from './exit-cleanup.js'
import { freePort } from './free-port.js'

export const PGBOUNCER = '/usr/sbin/pgbouncer'
export const HAPROXY = '/usr/sbin/haproxy'

/** Why a test needing these programs skips (`apt-get install -y pgbouncer haproxy`), or false. */
export function missingPrograms(...programs: string[]): string | false {
  const missing = programs.filter((p) => !existsSync(p))
  return missing.length > 0 ? `needs ${missing.join(' and ')} (apt-get install -y pgbouncer haproxy)` : false
}

export type ProxyProcess = {
  port: number
  /** Its output so far (for failure messages). */
  output(): string
  stop(): Promise<void>
}

function run(name: string, command: string, args: string[], dir: string): Omit<ProxyProcess, 'port'> {
  const child: ChildProcess = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk).slice(-50_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const unregister = onExit(() => child.kill('SIGKILL'))
  let stopped = false
  return {
    output: () => `${name}: ${output}`,
    async stop() {
      if (stopped) return
      stopped = true
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await Promise.race([exited, sleep(3_000)])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
      unregister()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * PgBouncer 1.18 in transaction mode with its default settings in front of the PostgreSQL of
 * `serverUrl` (every database name passes through, logged in as that URL's user). Returns its
 * port: `postgres://USER@127.0.0.1:PORT/DB` reaches DB through it.
 */
export async function startPgbouncer(serverUrl: string): Promise<ProxyProcess> {
  const server = new URL(serverUrl)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'taskwell-pgbouncer-'))
  chmodSync(dir, 0o777) // it drops root to postgres, and writes its pid file here
  const ini = join(dir, 'pgbouncer.ini')
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432} user=${decodeURIComponent(server.username || 'postgres')}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  )
  chmodSync(ini, 0o644)
  // PgBouncer will not run as root: as root (CI, these machines) it is told to become postgres.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'postgres'] : []
  const proxy = run('pgbouncer', PGBOUNCER, [...asRoot, ini], dir)
  const probe = `postgres://${server.username || 'postgres'}@127.0.0.1:${port}${server.pathname}`
  const deadline = performance.now() + 10_000
  for (;;) {
    const client = new pg.Client({ connectionString: probe, connectionTimeoutMillis: 1_000 })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.query('select 1')
      await client.end()
      return { port, ...proxy }
    } catch (err) {
      await client.end().catch(() => {})
      if (performance.now() > deadline) {
        await proxy.stop()
        throw new Error(`PgBouncer did not answer: ${(err as Error).message}\n${proxy.output()}`)
      }
      await sleep(100)
    }
  }
}

/** `url` with its host and port replaced by PgBouncer's. */
export function throughPgbouncer(url: string, pgbouncer: ProxyProcess): string {
  const pooled = new URL(url)
  pooled.hostname = '127.0.0.1'
  pooled.port = String(pgbouncer.port)
  return pooled.toString()
}

/**
 * HAProxy in front of `backends` (ports on 127.0.0.1), round robin, each checked with GET /readyz
 * every `checkMs` and taken out after two failed checks; answers name their instance in
 * `X-Served-By` (api0, api1, …). Returns its port.
 */
export async function startHaproxy(
  backends: number[],
  options: { port?: number; checkMs?: number } = {},
): Promise<ProxyProcess> {
  const { checkMs = 200 } = options
  const port = options.port ?? (await freePort())
  const dir = mkdtempSync(join(tmpdir(), 'taskwell-haproxy-'))
  const cfg = join(dir, 'haproxy.cfg')
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 256',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      // A request the balancer could not deliver is retried on another instance.
      '  retries 2',
      '  option redispatch',
      'frontend api',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk',
      // HTTP/1.1 with a Host: Node's server answers a request without one 400.
      '  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost',
      '  http-check expect status 200',
      '  http-response set-header X-Served-By %[srv_name]',
      // Out after two failed checks (a draining instance answers 503 for 1 s), in after one; a
      // check may take 1 s on a busy machine before it counts as failed.
      '  timeout check 1s',
      ...backends.map((p, i) => `  server api${i} 127.0.0.1:${p} check inter ${checkMs} fall 2 rise 1`),
      '',
    ].join('\n'),
  )
  // -db: stay in the foreground, so the test owns the process.
  const proxy = run('haproxy', HAPROXY, ['-db', '-f', cfg], dir)
  const deadline = performance.now() + 10_000
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`)
      if (res.status === 200) return { port, ...proxy }
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await proxy.stop()
      throw new Error(`HAProxy did not answer /readyz:\n${proxy.output()}`)
    }
    await sleep(100)
  }
}
