/**
 * The `{ user }` answer of the account routes, checked.
 */
import assert from 'node:assert/strict'
import type { UserJson } from './clients.js'

export const MAIL_FROM = 'Taskwell Tests <tests@taskwell.test>'
export const USER_KEYS = ['created_at', 'email', 'email_verified', 'id', 'name']

/** Asserts `{ "user" }` with the documented user object; returns the user. */
export async function userResult(res: Response, what: string): Promise<UserJson> {
  const text = await res.text()
  assert.equal(res.status, 200, `${what}: expected 200, got ${res.status}: ${text}`)
  const body = JSON.parse(text) as { user: UserJson }
  assert.deepEqual(Object.keys(body), ['user'], what)
  assert.deepEqual(Object.keys(body.user).sort(), USER_KEYS, what)
  return body.user
}
