/**
 * Requests as a given client (its IP through the trusted proxy, its user agent), with each
 * kind of credential: sign-up, sign-in, /api/me.
 */
import assert from 'node:assert/strict'
import { randomInt, randomUUID } from 'node:crypto'
import { type SignedIn, STRONG_PASSWORD, sessionCookie, type TestApp, uniqueEmail } from './harness.js'

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
