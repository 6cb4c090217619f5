/**
 * Test harness: a real app on a real port over a real database.
 * PGlite (in memory) always; the PostgreSQL of TEST_DATABASE_URL too when it is set.
 * One database per driver per test file (PGlite takes seconds to start); tests stay
 * apart by using fresh users, never by relying on an empty database.
 * With TEST_THROUGH_BALANCER=1 (decision 032) the app is two server processes behind HAProxy
 * and PgBouncer instead, on TEST_DATABASE_URL only (see ./balancer.ts).
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import type { Logger } from 'pino'
import { createApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { type Database, openDb } from '../../src/db/client.js'
import { migrate } from '../../src/db/migrate.js'
import { type Listening, listen } from '../../src/http/listen.js'
import { createLogger } from '../../src/http/logger.js'
import { createServices, type Services } from '../../src/services.js'
import { freePort } from '../../testkit/free-port.js'
import { migratedPgliteSnapshot } from '../../testkit/pglite-snapshot.js'
import { BALANCED_INSTANCES, balancedApp, balancerUnavailable, stopBalancer, THROUGH_BALANCER } from './balancer.js'

export type Driver = 'pglite' | 'pg'

/** The drivers every database test runs on. */
export function drivers(): Driver[] {
  if (THROUGH_BALANCER) {
    // Processes cannot share an in-memory PGlite: the balancer's instances run on PostgreSQL only.
    const unavailable = balancerUnavailable()
    if (unavailable) throw new Error(unavailable)
    return ['pg']
  }
  return process.env.TEST_DATABASE_URL ? ['pglite', 'pg'] : ['pglite']
}

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long'

const databases = new Map<Driver, Promise<Database>>()

/** The file's shared, migrated database for `driver`. */
export function testDatabase(driver: Driver): Promise<Database> {
  let db = databases.get(driver)
  if (!db) {
    db = (async () => {
      const database =
        driver === 'pg'
          ? await openDb({ url: process.env.TEST_DATABASE_URL })
          : await openDb({ snapshot: await migratedPgliteSnapshot() })
      await migrate(database) // a no-op on the snapshot, which is already up to date
      return database
    })()
    databases.set(driver, db)
  }
  return db
}

let dataDir: string | undefined

/**
 * The DATA_DIR of this test file's apps: a temporary directory of its own, so that the mail
 * outbox (written when SMTP_URL is unset) never lands in the working tree.
 */
export function testDataDir(): string {
  dataDir ??= mkdtempSync(join(tmpdir(), 'taskwell-test-'))
  return dataDir
}

/**
 * Closes the file's databases (and removes its DATA_DIR; through the balancer, stops the stack
 * first); call from a top-level `after`.
 */
export async function closeDatabases(): Promise<void> {
  await stopBalancer()
  await closeBystander()
  for (const db of databases.values()) await (await db).close()
  databases.clear()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  dataDir = undefined
}

export type TestApp = {
  url: string
  config: Config
  services: Services
  http: Listening
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** POST with a JSON body (and optional bearer token). */
  post(path: string, body: unknown, init?: { token?: string; headers?: Record<string, string> }): Promise<Response>
  /** GET with an optional bearer token. */
  get(path: string, token?: string, headers?: Record<string, string>): Promise<Response>
  /** Signs up a fresh user through the seed route and returns the result. */
  signup(options?: { email?: string; password?: string; name?: string }): Promise<SignedIn>
  close(): Promise<void>
}

export type SignedIn = {
  user: { id: string; email: string; name: string; email_verified: boolean; created_at: string }
  token: string
  expires_at: string
  session_token: string
  /** `name=value` of the session cookie, ready for a Cookie header. */
  cookie: string
  password: string
}

export const STRONG_PASSWORD = 'a sturdy passphrase 42'

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`
}

/** Generous limits so tests do not trip over each other; limit tests lower them. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  BETTER_AUTH_SECRET: TEST_SECRET,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_SIGNUP_PER_HOUR: '1000000',
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '1000000',
  RATE_LIMIT_SIGNIN_FAILURES_PER_IP: '1000000',
  RATE_LIMIT_EMAIL_PER_ADDRESS: '1000000',
  RATE_LIMIT_EMAIL_PER_IP: '1000000',
  // The tarpit would make every limit test wait; rate-limits.test.ts turns it on to test it.
  SIGNIN_REFUSAL_DELAY_MS: '0',
  // Sign-in bounds (decision 018, 019): tests sign in in bursts from one address; the tests of
  // these limits, pauses and the failure floor set their own.
  RATE_LIMIT_SIGNINS_PER_IP: '1000000',
  RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT_PER_DAY: '1000000',
  SIGNIN_ACCOUNT_DELAY_MS: '0',
  SIGNIN_FAILURE_MIN_MS: '0',
  // Tests create and search in bursts; test/abuse/ lowers these to test them.
  RATE_LIMIT_TASK_WRITES_PER_MINUTE: '1000000',
  RATE_LIMIT_TASK_SEARCHES_PER_MINUTE: '1000000',
  TASK_LIST_CONCURRENCY_PER_USER: '100',
}

export type TestAppOptions = {
  /** The app's logger (default: pino at LOG_LEVEL, silent), e.g. one writing to memory. */
  log?: Logger
  /** A database of the test's own instead of the file's shared one (migrated; the test closes it). */
  database?: Database
}

export async function startTestApp(
  driver: Driver,
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  if (THROUGH_BALANCER) return startBalancedTestApp(driver, env, options)
  const database = options.database ?? (await testDatabase(driver))
  // PUBLIC_URL must name the port we listen on; take a free one first.
  const port = await freePort()
  const config = loadConfig({
    ...TEST_ENV,
    DATA_DIR: testDataDir(),
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    ...env,
  })
  const services = await createServices(config, database, options.log ?? createLogger(config.logLevel))
  const app = createApp(services)
  const server = await listen(app.fetch, port, '127.0.0.1')
  const url = `http://127.0.0.1:${port}`

  return testAppAt(url, config, services, server, async () => {
    await server.close(1_000)
    await services.close()
  })
}

/** The TestApp of an app that answers at `url`. */
function testAppAt(
  url: string,
  config: Config,
  services: Services,
  http: Listening,
  close: () => Promise<void>,
): TestApp {
  const fetchPath = (path: string, init?: RequestInit) => fetch(url + path, init)
  const testApp: TestApp = {
    url,
    config,
    services,
    http,
    fetch: fetchPath,
    post: (path, body, init = {}) =>
      fetchPath(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...init.headers,
        },
        body: JSON.stringify(body),
      }),
    get: (path, token, headers = {}) =>
      fetchPath(path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }),
    async signup(options = {}) {
      const password = options.password ?? STRONG_PASSWORD
      const res = await testApp.post('/api/auth/signup', {
        email: options.email ?? uniqueEmail(),
        password,
        ...(options.name ? { name: options.name } : {}),
      })
      if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
      const body = (await res.json()) as Omit<SignedIn, 'cookie' | 'password'>
      return { ...body, cookie: sessionCookie(res), password }
    },
    close,
  }
  return testApp
}

/**
 * Through the balancer: services of this process over the same database, configured as the
 * instances are but not serving HTTP, that lend tests the database and Better Auth's API (e.g. to
 * sign a forged token with the stored key, or ask get-session). Everything else a test could ask
 * of `services` lives in the instances.
 */
let bystander: { env: Record<string, string>; services: Promise<Services> } | undefined

/** The bystander for the instances' `env`, replacing one of another environment. */
function bystanderFor(env: Record<string, string>, database: Database): Promise<Services> {
  if (!bystander || !isDeepStrictEqual(bystander.env, env)) {
    const previous = bystander?.services
    const { SMTP_URL: _mail, ...quiet } = env // any mail it sent would land in the outbox
    bystander = {
      env,
      services: (async () => {
        await (await previous?.catch(() => undefined))?.close()
        return createServices(loadConfig(quiet), database, createLogger('silent'))
      })(),
    }
  }
  return bystander.services
}

async function closeBystander(): Promise<void> {
  const services = bystander?.services
  bystander = undefined
  await (await services?.catch(() => undefined))?.close()
}

async function startBalancedTestApp(driver: Driver, env: Record<string, string>, options: TestAppOptions) {
  const cannot = (what: string) =>
    new Error(`${what} cannot run through the balancer: list the file in SKIPPED of test/through-balancer.ts`)
  if (driver !== 'pg') throw cannot('an app on PGlite')
  if (options.database) throw cannot('an app on a database of its own')
  if (options.log) throw cannot('an app whose log the test reads')
  const database = await testDatabase('pg') // migrated before the instances start
  const balanced = await balancedApp({ ...TEST_ENV, ...env }, testDataDir())
  try {
    const config = loadConfig(balanced.env)
    const lent = await bystanderFor(balanced.env, database)
    // Its queries, not its connections: a test that wraps the pool would only see its own.
    const lentDatabase = new Proxy(lent.database, {
      get(target, key) {
        if (key === 'pool' || key === 'pglite')
          throw cannot(`t.services.database.${key} (the instances have their own)`)
        return target[key as keyof Database]
      },
    })
    const services = new Proxy(lent, {
      get(target, key) {
        if (key === 'config') return config
        if (key === 'database') return lentDatabase
        if (key === 'auth') return target.auth
        throw cannot(`t.services.${String(key)} (it is in the API processes)`)
      },
    })
    const http = new Proxy({} as Listening, {
      get(_target, key) {
        throw cannot(`t.http.${String(key)} (the server is another process)`)
      },
    })
    return testAppAt(balanced.url, config, services, http, async () => balanced.release())
  } catch (err) {
    balanced.release()
    throw err
  }
}

/**
 * One `describe` per driver, titled `${title} on ${driver}`, and the file's databases closed
 * after them all: what describeWithApp (and the like in the folders' support files) are made of.
 */
export function describeEachDriver(title: string, body: (driver: Driver) => void): void {
  after(closeDatabases)
  for (const driver of drivers()) {
    describe(`${title} on ${driver}${THROUGH_BALANCER ? ' through the balancer' : ''}`, () => body(driver))
  }
}

/**
 * The usual shape of a test file: one `describe` per driver whose tests share an app, started
 * before them and closed after (and the file's databases closed at the end). The handle given
 * to `body` is filled in when the app has started, so tests use it as they run.
 */
export function describeWithApp(
  title: string,
  env: Record<string, string>,
  body: (t: TestApp, driver: Driver) => void,
  options: TestAppOptions = {},
): void {
  describeEachDriver(title, (driver) => {
    const t = {} as TestApp
    before(async () => {
      Object.assign(t, await startTestApp(driver, env, options))
    })
    after(async () => {
      await t.close?.()
    })
    body(t, driver)
  })
}

/**
 * The answers of every instance behind an app to `request`, sent until each has answered once:
 * one answer from an app in this process; through the balancer one from each instance (told apart
 * by the X-Served-By HAProxy adds), for a test of what every instance keeps in memory.
 */
export async function answerOfEachInstance(request: () => Promise<Response>): Promise<Response[]> {
  if (!THROUGH_BALANCER) return [await request()]
  const answers = new Map<string, Response>()
  for (let sent = 0; answers.size < BALANCED_INSTANCES; sent++) {
    if (sent === 10) throw new Error(`10 requests through the balancer reached only ${[...answers.keys()]}`)
    const res = await request()
    const instance = res.headers.get('x-served-by') ?? ''
    if (answers.has(instance)) await res.arrayBuffer()
    else answers.set(instance, res)
  }
  return [...answers.values()]
}

/** The `name=value` of the session cookie a response set. */
export function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find((c) => /session_token=[^;]+/.test(c))
  return cookie ? (cookie.split(';')[0] as string) : ''
}
