/**
 * Helpers of the auth contract tests (API.md "Authentication"): the shapes of an auth result
 * and a session cookie, fresh emails and who is stored.
 */

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { ilike, or } from 'drizzle-orm'
import { user as userTable } from '../../src/db/schema.js'
import { type SignedIn, type TestApp, uniqueEmail } from '../support/harness.js'

export type { Problem } from '../../testkit/problem.js'
export type AuthResult = { user: UserJson; token: string; expires_at: string; session_token: string }
export type UserJson = { id: string; email: string; name: string; email_verified: boolean; created_at: string }

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
export const FOREIGN_ORIGIN = 'https://evil.example'

/** Users whose email or name contains `marker` (a unique token of the test). */
export function usersMarked(t: TestApp, marker: string) {
  return t.services.database.db
    .select()
    .from(userTable)
    .where(or(ilike(userTable.email, `%${marker}%`), ilike(userTable.name, `%${marker}%`)))
}

export async function assertNothingStored(t: TestApp, marker: string) {
  assert.deepEqual(await usersMarked(t, marker), [], `a user was stored for ${marker}`)
}

/** A fresh email and the unique marker inside it. */
export function freshEmail(prefix: string): { email: string; marker: string } {
  const email = uniqueEmail(prefix)
  return { email, marker: email.slice(0, email.indexOf('@')) }
}

/** A syntactically valid address of exactly `length` characters (local part 64, labels ≤ 63). */
export function emailOfLength(length: number): { email: string; marker: string } {
  const { marker } = freshEmail('long')
  const local = marker.padEnd(64, 'x')
  const last = length - local.length - 1 - (63 + 1 + 63 + 1) - '.com'.length
  assert.ok(last >= 1 && last <= 63, 'length out of range for this helper')
  const email = `${local}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(last)}.com`
  assert.equal(email.length, length)
  return { email, marker }
}

/** A password of `n` code points that is on no block list. */
export function passwordOf(n: number): string {
  let s = ''
  while (s.length < n) s += randomUUID().replaceAll('-', '')
  return s.slice(0, n)
}

export function postRaw(t: TestApp, path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return t.fetch(path, { method: 'POST', headers, body })
}

export function decodeJwt(token: string): Record<string, unknown> {
  const parts = token.split('.')
  assert.equal(parts.length, 3, 'an access token is a compact JWS')
  return JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'))
}

/** Checks the body shape shared by sign-up and sign-in; returns it typed. */
export function assertAuthResult(body: unknown, expected: { email: string; name?: string }): AuthResult {
  const result = body as AuthResult
  assert.deepEqual(Object.keys(result).sort(), ['expires_at', 'session_token', 'token', 'user'])
  assert.deepEqual(Object.keys(result.user).sort(), ['created_at', 'email', 'email_verified', 'id', 'name'])
  assert.equal(typeof result.user.email_verified, 'boolean')
  assert.equal(typeof result.user.id, 'string')
  assert.ok(result.user.id.length > 0)
  assert.equal(result.user.email, expected.email)
  if (expected.name !== undefined) assert.equal(result.user.name, expected.name)
  assert.match(result.user.created_at, RFC3339_UTC)
  assert.ok(Math.abs(Date.parse(result.user.created_at) - Date.now()) < 5 * 60_000, 'created_at is not now')
  assert.match(result.expires_at, RFC3339_UTC)
  const expiresIn = Date.parse(result.expires_at) - Date.now()
  assert.ok(expiresIn > 60_000 && expiresIn <= 15 * 60_000 + 5_000, `access token expiry ${result.expires_at}`)
  const claims = decodeJwt(result.token)
  assert.equal(claims.sub, result.user.id)
  assert.equal(claims.email, result.user.email)
  assert.equal(typeof claims.sid, 'string')
  assert.equal(typeof result.session_token, 'string')
  assert.ok(result.session_token.length >= 16, 'session token too short')
  assert.doesNotMatch(result.session_token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the session token is not a JWT')
  return result
}

/** The Set-Cookie line of the session cookie, checked for the attributes API.md requires. */
export function assertSessionCookie(res: Response): string {
  const line = res.headers.getSetCookie().find((c) => /session_token=[^;]+/.test(c))
  assert.ok(line, `no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`)
  const attributes = line
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase())
  assert.ok(attributes.includes('httponly'), `not HttpOnly: ${line}`)
  assert.ok(attributes.includes('samesite=lax'), `not SameSite=Lax: ${line}`)
  assert.ok(attributes.includes('path=/'), `not Path=/: ${line}`)
  return line.split(';')[0] as string
}

export type Credential = { bearer?: string; cookie?: string }

export async function me(t: TestApp, credential: Credential): Promise<Response> {
  const headers: Record<string, string> = {}
  if (credential.bearer) headers.authorization = `Bearer ${credential.bearer}`
  if (credential.cookie) headers.cookie = credential.cookie
  return t.fetch('/api/me', { headers })
}

export async function expectMe(t: TestApp, credential: Credential, userId: string) {
  const res = await me(t, credential)
  const text = await res.text()
  assert.equal(res.status, 200, text)
  const body = JSON.parse(text) as { user: UserJson }
  assert.equal(body.user.id, userId)
}

/** The three ways a signed-in client can present its credential. */
export const CREDENTIALS: Record<
  'the access token (bearer JWT)' | 'the bearer session token' | 'the session cookie',
  (u: SignedIn) => Credential
> = {
  'the access token (bearer JWT)': (u) => ({ bearer: u.token }),
  'the bearer session token': (u) => ({ bearer: u.session_token }),
  'the session cookie': (u) => ({ cookie: u.cookie }),
}

export function signout(t: TestApp, credential: Credential, origin?: string) {
  const headers: Record<string, string> = {}
  if (credential.bearer) headers.authorization = `Bearer ${credential.bearer}`
  if (credential.cookie) headers.cookie = credential.cookie
  // A browser sends its own Origin with a cookie-authenticated POST.
  if (origin ?? credential.cookie) headers.origin = origin ?? t.config.publicUrl
  return t.fetch('/api/auth/signout', { method: 'POST', headers })
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
