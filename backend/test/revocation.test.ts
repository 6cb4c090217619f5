/**
 * Real sign-out (API.md "Revocation"): after sign-out, the session and every access token
 * carrying its `sid` are refused, on every instance, within one second, long before
 * the tokens' `exp`. Other sessions of the same user are untouched.
 *
 * 1. one instance (every driver): our /api/auth/signout and Better Auth's own endpoints;
 * 2. two instances in this process sharing PostgreSQL (LISTEN/NOTIFY), and one started later;
 * 3. two real server processes on one fresh PostgreSQL database, started at the same time.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { decodeJwt } from 'jose'
import pg from 'pg'
import { freePort } from './support/free-port.js'
import {
  closeDatabases,
  drivers,
  problem,
  type SignedIn,
  STRONG_PASSWORD,
  sessionCookie,
  startTestApp,
  TEST_SECRET,
  type TestApp,
  uniqueEmail,
} from './support/harness.js'

after(closeDatabases)

const PG_URL = process.env.TEST_DATABASE_URL
const NEEDS_PG = PG_URL ? false : 'needs PostgreSQL: set TEST_DATABASE_URL'
/** API.md: every instance refuses a signed-out session's tokens within this long. */
const REVOCATION_DEADLINE_MS = 1_000
const POLL_MS = 50

type Credentials = { token: string; session_token: string; cookie: string }

/** GET /api/me with one kind of credential. */
function me(base: string, credential: { token?: string; cookie?: string }) {
  const headers: Record<string, string> = {}
  if (credential.token) headers.authorization = `Bearer ${credential.token}`
  if (credential.cookie) headers.cookie = credential.cookie
  return fetch(`${base}/api/me`, { headers })
}

async function assertAccepted(res: Response, userId: string, what: string) {
  assert.equal(res.status, 200, `${what}: expected 200, got ${res.status}: ${await res.clone().text()}`)
  assert.equal(((await res.json()) as { user: { id: string } }).user.id, userId, what)
}

async function assertRefused(res: Response, what: string) {
  assert.equal(res.status, 401, `${what}: expected 401, got ${res.status}`)
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, what)
  assert.equal((await problem(res)).status, 401, what)
}

/** Every credential of one session is accepted (or refused) by the instance at `base`. */
async function assertSession(base: string, s: Credentials, userId: string, accepted: boolean, what: string) {
  const checks: [string, { token?: string; cookie?: string }][] = [
    ['access token', { token: s.token }],
    ['session token', { token: s.session_token }],
    ['cookie', { cookie: s.cookie }],
  ]
  for (const [kind, credential] of checks) {
    const res = await me(base, credential)
    if (accepted) await assertAccepted(res, userId, `${what}: ${kind}`)
    else await assertRefused(res, `${what}: ${kind}`)
  }
}

/** Signs in again as an existing user: a second session. */
async function signIn(base: string, email: string): Promise<SignedIn> {
  const res = await fetch(`${base}/api/auth/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: STRONG_PASSWORD }),
  })
  assert.equal(res.status, 200, `sign-in: ${res.status} ${await res.clone().text()}`)
  const body = (await res.json()) as Omit<SignedIn, 'cookie' | 'password'>
  return { ...body, cookie: sessionCookie(res), password: STRONG_PASSWORD }
}

function signOut(base: string, headers: Record<string, string>) {
  return fetch(`${base}/api/auth/signout`, { method: 'POST', headers })
}

/**
 * Polls `base` with `token` every 50 ms until it is refused; returns the milliseconds
 * from `since` to the refusal (or throws after twice the deadline).
 */
async function msUntilRefused(base: string, token: string, since: number): Promise<number> {
  for (;;) {
    const res = await me(base, { token })
    const elapsed = performance.now() - since
    if (res.status === 401) return elapsed
    assert.equal(res.status, 200, `unexpected ${res.status} while waiting for the revocation`)
    await res.body?.cancel()
    if (elapsed > 2 * REVOCATION_DEADLINE_MS) assert.fail(`still accepted ${Math.round(elapsed)} ms after sign-out`)
    await sleep(POLL_MS)
  }
}

for (const driver of drivers()) {
  describe(`sign-out on one instance (${driver})`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver)
    })
    after(() => t?.close())

    it('refuses every credential of the signed-out session, including renewed tokens, and keeps the other session', async () => {
      const first = await t.signup()
      const userId = first.user.id
      const second = await signIn(t.url, first.user.email)
      assert.notEqual(decodeJwt(first.token).sid, decodeJwt(second.token).sid)

      // A token renewed for the first session carries its sid too.
      const renewed = await t.get('/api/auth/token', first.session_token)
      assert.equal(renewed.status, 200)
      const renewedToken = ((await renewed.json()) as { token: string }).token
      await assertAccepted(await me(t.url, { token: renewedToken }), userId, 'renewed token before sign-out')
      await assertSession(t.url, first, userId, true, 'first session before sign-out')

      const out = await signOut(t.url, { authorization: `Bearer ${first.token}` })
      assert.equal(out.status, 204)
      assert.ok(
        out.headers.getSetCookie().some((c) => /session_token=;/.test(c) && /Max-Age=0/i.test(c)),
        'sign-out clears the session cookie',
      )

      await assertSession(t.url, first, userId, false, 'first session after sign-out')
      await assertRefused(await me(t.url, { token: renewedToken }), 'renewed token after sign-out')
      await assertRefused(await t.get('/api/auth/token', first.session_token), 'renewal after sign-out')
      await assertSession(t.url, second, userId, true, 'second session after the first signed out')

      // Signing out again, even with the revoked token, is a quiet 204 and changes nothing.
      assert.equal((await signOut(t.url, { authorization: `Bearer ${first.token}` })).status, 204)
      await assertSession(t.url, second, userId, true, 'second session after a repeated sign-out')
    })

    for (const [kind, credential] of [
      ['session token', (s: SignedIn) => ({ authorization: `Bearer ${s.session_token}` })],
      ['cookie', (s: SignedIn) => ({ cookie: s.cookie, origin: t.config.publicUrl })],
    ] as const) {
      it(`signing out with the ${kind} also revokes the session's access token`, async () => {
        const s = await t.signup()
        await assertSession(t.url, s, s.user.id, true, 'before sign-out')
        assert.equal((await signOut(t.url, credential(s))).status, 204)
        await assertSession(t.url, s, s.user.id, false, `after sign-out with the ${kind}`)
      })
    }

    it("Better Auth's own POST /api/auth/sign-out revokes that session's access token", async () => {
      const s = await t.signup()
      const other = await signIn(t.url, s.user.email)
      await assertSession(t.url, s, s.user.id, true, 'before sign-out')
      const res = await t.fetch('/api/auth/sign-out', {
        method: 'POST',
        headers: { cookie: s.cookie, origin: t.config.publicUrl, 'content-type': 'application/json' },
        body: '{}',
      })
      assert.equal(res.status, 200, await res.clone().text())
      await assertSession(t.url, s, s.user.id, false, 'after Better Auth sign-out')
      await assertSession(t.url, other, s.user.id, true, 'the other session')
    })

    it("revoke-others revokes the other sessions' access tokens, not the caller's", async () => {
      const current = await t.signup()
      const others = [await signIn(t.url, current.user.email), await signIn(t.url, current.user.email)]
      // Decision 009: POST /api/me/sessions/revoke-others replaced Better Auth's revoke-other-sessions.
      const res = await t.fetch('/api/me/sessions/revoke-others', {
        method: 'POST',
        headers: { cookie: current.cookie, origin: t.config.publicUrl },
      })
      assert.equal(res.status, 200, await res.clone().text())
      assert.deepEqual(await res.json(), { revoked: 2 })
      for (const [i, other] of others.entries()) {
        await assertSession(t.url, other, current.user.id, false, `other session ${i + 1}`)
      }
      await assertSession(t.url, current, current.user.id, true, 'the session that asked')
    })

    it('an instance started after the sign-out refuses the revoked token', async () => {
      const s = await t.signup()
      assert.equal((await signOut(t.url, { authorization: `Bearer ${s.token}` })).status, 204)
      const later = await startTestApp(driver)
      try {
        await assertRefused(await later.get('/api/me', s.token), 'revoked token on a later instance')
      } finally {
        await later.close()
      }
    })
  })
}

describe('sign-out across two instances in one process (PostgreSQL)', { skip: NEEDS_PG }, () => {
  let a: TestApp
  let b: TestApp
  before(async () => {
    a = await startTestApp('pg')
    // Same issuer and audience as A, so each instance accepts the other's tokens.
    b = await startTestApp('pg', { PUBLIC_URL: a.config.publicUrl })
  })
  after(async () => {
    await a?.close()
    await b?.close()
  })

  it('B signs out, A refuses the access token within 1 s; a later instance refuses it too', async (ctx) => {
    const s = await a.signup()
    const other = await signIn(a.url, s.user.email)
    await assertAccepted(await me(a.url, { token: s.token }), s.user.id, 'A, before sign-out')
    await assertAccepted(await me(b.url, { token: s.token }), s.user.id, 'B, before sign-out')

    const out = await signOut(b.url, { authorization: `Bearer ${s.token}` })
    const signedOutAt = performance.now()
    assert.equal(out.status, 204)
    await assertRefused(await me(b.url, { token: s.token }), 'B, right after its own sign-out')
    const elapsed = await msUntilRefused(a.url, s.token, signedOutAt)
    ctx.diagnostic(`A refused the token ${Math.round(elapsed)} ms after the sign-out on B`)
    assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
    await assertSession(a.url, s, s.user.id, false, 'A, after sign-out on B')
    await assertSession(a.url, other, s.user.id, true, 'A, the other session')

    const later = await startTestApp('pg', { PUBLIC_URL: a.config.publicUrl })
    try {
      await assertRefused(await me(later.url, { token: s.token }), 'an instance started after the sign-out')
      await assertAccepted(await me(later.url, { token: other.token }), s.user.id, 'later instance, other session')
    } finally {
      await later.close()
    }
  })
  // Decision 009: the account routes end sessions "as in Revocation", so on every instance.
  for (const [what, act] of [
    [
      'a password change on B ends the other session on A within 1 s',
      (s: SignedIn) =>
        fetch(`${b.url}/api/me/password`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ current_password: STRONG_PASSWORD, new_password: 'a brand new passphrase 93' }),
        }),
    ],
    [
      'revoke-others on B ends the other session on A within 1 s',
      (s: SignedIn) =>
        fetch(`${b.url}/api/me/sessions/revoke-others`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.token}` },
        }),
    ],
    [
      'ending a session on B ends it on A within 1 s',
      (s: SignedIn, other: SignedIn) =>
        fetch(`${b.url}/api/me/sessions/${decodeJwt(other.token).sid}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${s.token}` },
        }),
    ],
  ] as const) {
    it(what, async (ctx) => {
      const s = await a.signup()
      const other = await signIn(a.url, s.user.email)
      await assertAccepted(await me(a.url, { token: other.token }), s.user.id, 'A, before')
      const res = await act(s, other)
      const actedAt = performance.now()
      assert.ok(res.ok, `${res.status} ${await res.text()}`)
      const elapsed = await msUntilRefused(a.url, other.token, actedAt)
      ctx.diagnostic(`A refused the other session's token ${Math.round(elapsed)} ms later`)
      assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
      await assertSession(a.url, other, s.user.id, false, 'A, the ended session')
      await assertAccepted(await me(a.url, { token: s.token }), s.user.id, "A, the caller's session")
    })
  }

  it('an account deleted on B: A refuses its access tokens within 1 s', async (ctx) => {
    const s = await a.signup()
    const other = await signIn(a.url, s.user.email)
    const res = await fetch(`${b.url}/api/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: STRONG_PASSWORD }),
    })
    const deletedAt = performance.now()
    assert.equal(res.status, 204, await res.text())
    for (const token of [s.token, other.token]) {
      const elapsed = await msUntilRefused(a.url, token, deletedAt)
      ctx.diagnostic(`A refused a deleted account's token ${Math.round(elapsed)} ms later`)
      assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
    }
  })
})

// ---------------------------------------------------------------------------------------
// Two real server processes

const BACKEND_DIR = fileURLToPath(new URL('..', import.meta.url))

type ServerProcess = { child: ChildProcess; base: string; output: () => string; exited: Promise<void> }

function startServer(env: Record<string, string>, port: number): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: BACKEND_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk
  })
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  // Last resort if the test runner itself is torn down before `after` runs.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  void exited.then(() => process.off('exit', killOnExit))
  return { child, base: `http://127.0.0.1:${port}`, output: () => output, exited }
}

async function waitHealthy(server: ServerProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      assert.fail(
        `server exited (${server.child.exitCode ?? server.child.signalCode}) before it was healthy:\n${server.output()}`,
      )
    }
    try {
      const res = await fetch(`${server.base}/healthz`)
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) assert.fail(`server not healthy after ${timeoutMs} ms:\n${server.output()}`)
    await sleep(100)
  }
}

/** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone. Returns how it ended. */
async function stopServer(server: ServerProcess, graceMs = 10_000): Promise<string> {
  const { child } = server
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM')
    const cancel = new AbortController()
    const timer = sleep(graceMs, 'timeout' as const, { signal: cancel.signal }).catch(() => 'cancelled' as const)
    const ended = await Promise.race([server.exited.then(() => 'exited' as const), timer])
    cancel.abort() // a pending timer would keep the test process alive
    if (ended === 'timeout') {
      child.kill('SIGKILL')
      await server.exited
      return `killed after ${graceMs} ms`
    }
  }
  await server.exited
  return `exit ${child.exitCode ?? child.signalCode}`
}

describe('sign-out across two server processes (PostgreSQL)', { skip: NEEDS_PG }, () => {
  const servers: ServerProcess[] = []
  let dataDir: string | undefined
  let freshDatabase: string | undefined
  let a: ServerProcess
  let b: ServerProcess

  /** A fresh database, so the two processes really race to migrate it and to create the signing key. */
  async function createFreshDatabase(): Promise<string> {
    const name = `taskwell_revocation_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    try {
      await admin.query(`create database ${name}`)
    } catch (err) {
      // No CREATEDB right: share TEST_DATABASE_URL (migrations are then already applied).
      process.emitWarning(`revocation test: ${(err as Error).message}; using TEST_DATABASE_URL`)
      return PG_URL as string
    } finally {
      await admin.end()
    }
    freshDatabase = name
    const url = new URL(PG_URL as string)
    url.pathname = `/${name}`
    return url.toString()
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'taskwell-revocation-'))
    const [portA, portB] = [await freePort(), await freePort()]
    const env = {
      DATABASE_URL: await createFreshDatabase(),
      // Both name A's origin: tokens carry it as iss and aud, so each verifies the other's.
      PUBLIC_URL: `http://localhost:${portA}`,
      BETTER_AUTH_SECRET: TEST_SECRET,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
    }
    // Started together: migrations run under an advisory lock, so both must come up.
    a = startServer(env, portA)
    b = startServer(env, portB)
    servers.push(a, b)
    await Promise.all([waitHealthy(a), waitHealthy(b)])
  })

  after(async () => {
    await Promise.all(servers.map((s) => stopServer(s, 5_000)))
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    if (freshDatabase) {
      const admin = new pg.Client({ connectionString: PG_URL })
      await admin.connect()
      await admin.query(`drop database if exists ${freshDatabase} with (force)`).finally(() => admin.end())
    }
  })

  it('a token from A works on B; signed out on B, A refuses it within 1 s', async (ctx) => {
    const email = uniqueEmail('procs')
    const up = await fetch(`${a.base}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: STRONG_PASSWORD }),
    })
    assert.equal(up.status, 201, `${await up.clone().text()}\n${a.output()}`)
    const userId = ((await up.json()) as { user: { id: string } }).user.id
    const s = await signIn(a.base, email)
    const other = await signIn(a.base, email)

    await assertAccepted(await me(a.base, { token: s.token }), userId, 'A, its own token')
    await assertAccepted(await me(b.base, { token: s.token }), userId, "B, A's token")
    await assertAccepted(await me(b.base, { token: s.session_token }), userId, "B, A's session token")

    const out = await signOut(b.base, { authorization: `Bearer ${s.token}` })
    const signedOutAt = performance.now()
    assert.equal(out.status, 204)
    const elapsed = await msUntilRefused(a.base, s.token, signedOutAt)
    ctx.diagnostic(`process A refused the token ${Math.round(elapsed)} ms after the sign-out on process B`)
    assert.ok(elapsed < REVOCATION_DEADLINE_MS, `A refused the token after ${Math.round(elapsed)} ms`)
    await assertSession(a.base, s, userId, false, 'A, after sign-out on B')
    await assertSession(b.base, s, userId, false, 'B, after its own sign-out')
    await assertSession(a.base, other, userId, true, 'A, the other session')
    await assertSession(b.base, other, userId, true, 'B, the other session')
  })

  it('both processes stop cleanly on SIGTERM', async () => {
    const results = await Promise.all([a, b].map((s) => stopServer(s)))
    assert.deepEqual(results, ['exit 0', 'exit 0'], `${a.output()}\n${b.output()}`)
  })
})
