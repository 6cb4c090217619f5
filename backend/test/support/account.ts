/**
 * Helpers for the account-lifecycle tests (decision 009): requests as a given client (IP
 * through a trusted proxy, user agent), each kind of credential, the mailed links, and
 * the checks every file repeats (problem documents, 401s, 429s, revocation within 1 s).
 */
import assert from 'node:assert/strict'
import { randomInt, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq, like, or } from 'drizzle-orm'
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose'
import { verification } from '../../src/db/schema.js'
import {
  type Driver,
  problem,
  type SignedIn,
  STRONG_PASSWORD,
  sessionCookie,
  startTestApp,
  TEST_SECRET,
  type TestApp,
  uniqueEmail,
} from './harness.js'
import { type CaughtMail, linkToken, type MailCatcher, startMailCatcher } from './mail-catcher.js'

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
/** API.md "Revocation": refused within this long. */
export const REVOCATION_DEADLINE_MS = 1_000
export const HOUR = 3600
export const FIFTEEN_MINUTES = 900
export const NEW_PASSWORD = 'a brand new passphrase 93'
export const WRONG_PASSWORD = 'not the right passphrase 7'
/** The test client talks through a trusted proxy, so each test can be its own client IP. */
export const BEHIND_PROXY = { TRUSTED_PROXIES: '127.0.0.1,::1' }

/**
 * The environment of an app for these tests: mail through `catcher`, a trusted proxy so each
 * test can be its own client IP, and mail limits out of the way (the limit tests lower them).
 */
export function accountEnv(catcher: MailCatcher, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: catcher.url,
    ...BEHIND_PROXY,
    RATE_LIMIT_EMAIL_PER_ADDRESS: '1000000',
    RATE_LIMIT_EMAIL_PER_IP: '1000000',
    ...extra,
  }
}

export type AppWithMail = { t: TestApp; catcher: MailCatcher }

/** An app on `driver` mailing through a mail catcher of its own (`accountEnv` plus `extra`). */
export async function startAppWithMail(driver: Driver, extra: Record<string, string> = {}): Promise<AppWithMail> {
  const catcher = await startMailCatcher()
  return { catcher, t: await startTestApp(driver, accountEnv(catcher, extra)) }
}

/** Stops what `startAppWithMail` started (either may be missing if starting failed). */
export async function stopAppWithMail(app: Partial<AppWithMail>): Promise<void> {
  await app.t?.close()
  await app.catcher?.close()
}

/** A client as the app sees it through the trusted proxy: its own IP and user agent. */
export type Client = { ip: string; userAgent: string; headers: Record<string, string> }

/** A client address no other test (or earlier run on the same PostgreSQL) has used. */
export const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`

export function freshClient(): Client {
  const ip = freshIp()
  const userAgent = `TaskwellTest/1.0 (${randomUUID().slice(0, 8)})`
  return { ip, userAgent, headers: { 'x-forwarded-for': ip, 'user-agent': userAgent } }
}

/** How a signed-in client presents itself: a bearer (access or session token) or the cookie. */
export type Credential = { bearer?: string; cookie?: string }

export const CREDENTIALS = {
  'the access token': (s: SignedIn): Credential => ({ bearer: s.token }),
  'the session token': (s: SignedIn): Credential => ({ bearer: s.session_token }),
  'the session cookie': (s: SignedIn): Credential => ({ cookie: s.cookie }),
} as const

export type CallOptions = { credential?: Credential; body?: unknown; client?: Client; headers?: Record<string, string> }

/** Any request to the app; a cookie-authenticated one carries the app's Origin, as a browser's does. */
export function call(t: TestApp, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const { credential = {}, body, client, headers: extra = {} } = options
  const headers: Record<string, string> = { ...client?.headers, ...extra }
  if (credential.bearer) headers.authorization = `Bearer ${credential.bearer}`
  if (credential.cookie) {
    headers.cookie = credential.cookie
    if (method !== 'GET') headers.origin = t.config.publicUrl
  }
  if (body !== undefined) headers['content-type'] = 'application/json'
  return t.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
}

/** Signs up a fresh user as `client`. */
export async function signUpAs(
  t: TestApp,
  client: Client,
  options: { email?: string; password?: string; name?: string } = {},
): Promise<SignedIn> {
  const password = options.password ?? STRONG_PASSWORD
  const body = {
    email: options.email ?? uniqueEmail('acct'),
    password,
    ...(options.name ? { name: options.name } : {}),
  }
  const res = await call(t, 'POST', '/api/auth/signup', { body, client })
  assert.equal(res.status, 201, `sign-up: ${res.status} ${await res.clone().text()}`)
  const result = (await res.json()) as Omit<SignedIn, 'cookie' | 'password'>
  return { ...result, cookie: sessionCookie(res), password }
}

/** Signs in as `client`: a new session of an existing user. */
export async function signInAs(t: TestApp, client: Client, email: string, password: string): Promise<SignedIn> {
  const res = await call(t, 'POST', '/api/auth/signin', { body: { email, password }, client })
  assert.equal(res.status, 200, `sign-in: ${res.status} ${await res.clone().text()}`)
  const result = (await res.json()) as Omit<SignedIn, 'cookie' | 'password'>
  return { ...result, cookie: sessionCookie(res), password }
}

export function signIn(t: TestApp, email: string, password: string, client: Client = freshClient()) {
  return call(t, 'POST', '/api/auth/signin', { body: { email, password }, client })
}

export function me(t: TestApp, credential: Credential): Promise<Response> {
  return call(t, 'GET', '/api/me', { credential })
}

export type UserJson = SignedIn['user']

/** The caller's user object from GET /api/me. */
export async function currentUser(t: TestApp, credential: Credential): Promise<UserJson> {
  const res = await me(t, credential)
  assert.equal(res.status, 200, `GET /api/me: ${res.status} ${await res.clone().text()}`)
  return ((await res.json()) as { user: UserJson }).user
}

export type Problem = Awaited<ReturnType<typeof problem>>

/** An RFC 9457 problem document with this status. */
export async function expectProblem(res: Response, status: number, what = ''): Promise<Problem> {
  const text = await res.clone().text()
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status}: ${text.slice(0, 500)}`)
  const body = await problem(res)
  assert.equal(body.status, status, what)
  assert.ok(body.title, `${what}: a problem has a title`)
  return body
}

/** A 422 whose `errors` name exactly these fields, each with a message. */
export async function expectInvalid(res: Response, fields: string[], what = ''): Promise<Problem> {
  const body = await expectProblem(res, 422, what)
  assert.ok(Array.isArray(body.errors), `${what}: a 422 lists its errors`)
  for (const e of body.errors) assert.ok(e.message, `${what}: no message for ${e.field}`)
  assert.deepEqual([...new Set(body.errors.map((e) => e.field))].sort(), [...fields].sort(), what)
  return body
}

/** A 401 as API.md has it: problem document plus `WWW-Authenticate: Bearer`. */
export async function expectUnauthorized(res: Response, what = ''): Promise<Problem> {
  assert.equal(res.status, 401, `${what}: expected 401, got ${res.status}: ${await res.clone().text()}`)
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/, what)
  return expectProblem(res, 401, what)
}

/** A 429 problem document with a usable Retry-After no longer than the window. */
export async function expectLimited(res: Response, windowSeconds: number, what = ''): Promise<Problem> {
  assert.equal(res.status, 429, `${what}: expected 429, got ${res.status}: ${await res.clone().text()}`)
  const retryAfter = res.headers.get('retry-after') ?? ''
  assert.match(retryAfter, /^\d+$/, `${what}: Retry-After must be whole seconds, got "${retryAfter}"`)
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= windowSeconds, `${what}: Retry-After ${retryAfter}`)
  return expectProblem(res, 429, what)
}

export async function expectStatus(res: Response, status: number, what = ''): Promise<void> {
  const text = await res.text()
  assert.equal(res.status, status, `${what}: expected ${status}, got ${res.status}: ${text.slice(0, 500)}`)
}

/** Every credential of `s` is accepted as `userId` (or refused with a 401), now. */
export async function assertSession(t: TestApp, s: SignedIn, accepted: boolean, what: string): Promise<void> {
  for (const [kind, credentialOf] of Object.entries(CREDENTIALS)) {
    const res = await me(t, credentialOf(s))
    if (accepted) {
      assert.equal(res.status, 200, `${what}: ${kind} refused: ${res.status} ${await res.clone().text()}`)
      assert.equal(((await res.json()) as { user: UserJson }).user.id, s.user.id, `${what}: ${kind}`)
    } else {
      await expectUnauthorized(res, `${what}: ${kind}`)
    }
  }
}

/**
 * Polls GET /api/me with `token` until it is refused; returns the milliseconds since `since`.
 * Fails once twice the revocation deadline has passed.
 */
export async function msUntilRefused(t: TestApp, token: string, since: number): Promise<number> {
  for (;;) {
    const res = await me(t, { bearer: token })
    const elapsed = performance.now() - since
    if (res.status === 401) return elapsed
    assert.equal(res.status, 200, `unexpected ${res.status} while waiting for the revocation`)
    await res.body?.cancel()
    if (elapsed > 2 * REVOCATION_DEADLINE_MS) assert.fail(`still accepted ${Math.round(elapsed)} ms later`)
    await sleep(50)
  }
}

/** The access token of `s` is refused within the revocation deadline of `since`. */
export async function assertRevokedInTime(t: TestApp, s: SignedIn, since: number, what: string): Promise<void> {
  const elapsed = await msUntilRefused(t, s.token, since)
  assert.ok(elapsed < REVOCATION_DEADLINE_MS, `${what}: access token refused only after ${Math.round(elapsed)} ms`)
  await assertSession(t, s, false, what)
}

/** The session id (`sid`) an access token carries. */
export function sessionIdOf(s: SignedIn): string {
  const sid = decodeJwt(s.token).sid
  assert.equal(typeof sid, 'string', 'the access token carries a sid')
  return sid as string
}

/**
 * Everything the mail server has received has been handed over: the app has nothing queued,
 * so a message that has not arrived by now was never sent.
 */
export async function mailSettled(t: TestApp): Promise<void> {
  await t.services.background.idle() // e.g. a password-reset request, which runs after its answer
  await t.services.mailer.idle()
}

/** The token of the next verification mail to `email`. */
export async function verificationToken(catcher: MailCatcher, email: string): Promise<string> {
  return linkToken(await catcher.nextMessageTo(email), 'verify-email')
}

/** The token of the next password-reset mail to `email`. */
export async function resetToken(catcher: MailCatcher, email: string): Promise<string> {
  return linkToken(await catcher.nextMessageTo(email), 'reset-password')
}

export function verifyEmail(t: TestApp, token: string, client: Client = freshClient()) {
  return call(t, 'POST', '/api/auth/verify-email', { body: { token }, client })
}

export function resendVerification(t: TestApp, email: string, client: Client = freshClient()) {
  return call(t, 'POST', '/api/auth/verify-email/resend', { body: { email }, client })
}

export function requestReset(t: TestApp, email: string, client: Client = freshClient()) {
  return call(t, 'POST', '/api/auth/password-reset', { body: { email }, client })
}

export function confirmReset(t: TestApp, token: string, newPassword: string, client: Client = freshClient()) {
  return call(t, 'POST', '/api/auth/password-reset/confirm', { body: { token, new_password: newPassword }, client })
}

/** Signs up a user as `client` and takes (and returns) the verification mail sign-up sent. */
export async function signUpWithMail(
  t: TestApp,
  catcher: MailCatcher,
  client: Client = freshClient(),
  options: { name?: string } = {},
): Promise<{ user: SignedIn; verification: CaughtMail }> {
  const user = await signUpAs(t, client, options)
  return { user, verification: await catcher.nextMessageTo(user.user.email) }
}

/** Asks for a reset link for `email` and returns its token. */
export async function mailedResetToken(t: TestApp, catcher: MailCatcher, email: string): Promise<string> {
  await expectStatus(await requestReset(t, email), 202, 'password-reset request')
  return resetToken(catcher, email)
}

/** Rows of Better Auth's `verification` table that belong to a mailed `token` (or to `userId`). */
export function verificationRows(t: TestApp, token: string, userId?: string) {
  const byToken = like(verification.identifier, `%${token}%`)
  return t.services.database.db
    .select()
    .from(verification)
    .where(userId ? or(byToken, eq(verification.value, userId)) : byToken)
}

/** Makes the stored reset `token` of `userId` expire a minute ago. */
export async function expireResetToken(t: TestApp, token: string, userId: string): Promise<void> {
  const rows = await verificationRows(t, token, userId)
  assert.ok(rows.length > 0, 'found no stored verification row for the reset token')
  for (const row of rows) {
    await t.services.database.db
      .update(verification)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(verification.id, row.id))
  }
}

/** When a mailed token expires: its JWT `exp`, or its stored row's `expires_at`. */
export async function tokenExpiry(t: TestApp, token: string, userId: string): Promise<Date> {
  if (isJwt(token)) {
    const { exp } = decodeJwt(token)
    assert.equal(typeof exp, 'number', 'the token has an exp')
    return new Date((exp as number) * 1000)
  }
  const rows = await verificationRows(t, token, userId)
  assert.equal(rows.length, 1, `expected one stored row for the token, found ${rows.length}`)
  return (rows[0] as { expiresAt: Date }).expiresAt
}

function isJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)
}

/**
 * A copy of the verification `token` whose life ends at `expiresAt`: for a signed token (Better
 * Auth signs verification tokens with the app secret), the same claims re-signed; for a stored
 * one, the same token with its row's expiry moved.
 */
export async function verificationTokenExpiringAt(
  t: TestApp,
  token: string,
  userId: string,
  expiresAt: Date,
): Promise<string> {
  if (!isJwt(token)) {
    for (const row of await verificationRows(t, token, userId)) {
      await t.services.database.db.update(verification).set({ expiresAt }).where(eq(verification.id, row.id))
    }
    return token
  }
  const { alg } = decodeProtectedHeader(token)
  assert.equal(alg, 'HS256', 'this helper re-signs HS256 tokens only')
  const { exp: _exp, iat: _iat, ...claims } = decodeJwt(token)
  const expSeconds = Math.floor(expiresAt.getTime() / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(expSeconds - 24 * HOUR)
    .setExpirationTime(expSeconds)
    .sign(new TextEncoder().encode(TEST_SECRET))
}

/** Creates a task for `s` through the API; returns its id. */
export async function createTask(t: TestApp, s: SignedIn, title = 'A task'): Promise<string> {
  const res = await call(t, 'POST', `/api/${s.user.id}/tasks`, { credential: { bearer: s.token }, body: { title } })
  assert.equal(res.status, 201, `create task: ${res.status} ${await res.clone().text()}`)
  return ((await res.json()) as { id: string }).id
}

/** A password of `n` code points that is on no block list. */
export function passwordOf(n: number): string {
  let s = ''
  while (s.length < n) s += randomUUID().replaceAll('-', '')
  return s.slice(0, n)
}

/** Passwords the sign-up rules refuse, with why. */
export const WEAK_PASSWORDS: [string, string][] = [
  ['7 code points', passwordOf(7)],
  ['129 code points', passwordOf(129)],
  ['a common password', 'password123'],
  ['a common password in capitals', 'ILoveYou1'],
]
