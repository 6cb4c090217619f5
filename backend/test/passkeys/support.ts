/**
 * What the passkey tests share: the routes called as a client would (its own IP through the
 * trusted proxy), a user with a registered passkey, and the one 401 every refused sign-in gets.
 */
import assert from 'node:assert/strict'
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { passkey } from '../../src/db/schema.js'
import { assertUnauthorized, type Problem } from '../../testkit/problem.js'
import { type Client, type Credential, call, freshClient, signUpAs } from '../support/clients.js'
import type { SignedIn, TestApp } from '../support/harness.js'
import {
  type AssertionJson,
  type CreationOptionsJson,
  type Forgery,
  type RequestOptionsJson,
  SoftAuthenticator,
} from './authenticator.js'

export type PasskeyJson = {
  id: string
  name: string
  created_at: string
  last_used_at: string | null
  backup_eligible: boolean
  backed_up: boolean
}

export const PASSKEY_KEYS = ['backed_up', 'backup_eligible', 'created_at', 'id', 'last_used_at', 'name']

/** API.md: the one body of every refused passkey sign-in. */
export const NOT_RECOGNISED = { detail: 'Passkey not recognised', code: 'INVALID_PASSKEY' }

export const bearer = (s: SignedIn): Credential => ({ bearer: s.token })

/** A signed-up user, and the client they use. */
export type Account = { s: SignedIn; client: Client }

export async function newAccount(t: TestApp): Promise<Account> {
  const client = freshClient()
  return { s: await signUpAs(t, client), client }
}

export function newAuthenticator(
  t: TestApp,
  options: ConstructorParameters<typeof SoftAuthenticator>[0] = { origin: '' },
) {
  return new SoftAuthenticator({ ...options, origin: options.origin || t.config.publicUrl })
}

export function askRegistrationOptions(t: TestApp, { s, client }: Account, password = s.password) {
  return call(t, 'POST', '/api/me/passkeys/options', { credential: bearer(s), client, body: { password } })
}

export async function registrationOptions(t: TestApp, account: Account): Promise<CreationOptionsJson> {
  const res = await askRegistrationOptions(t, account)
  assert.equal(res.status, 200, `registration options: ${res.status} ${await res.clone().text()}`)
  return ((await res.json()) as { options: CreationOptionsJson }).options
}

export function addPasskey(t: TestApp, { s, client }: Account, body: unknown) {
  return call(t, 'POST', '/api/me/passkeys', { credential: bearer(s), client, body })
}

/** Registers `authenticator` for the account (new options, a good answer); returns the passkey. */
export async function register(
  t: TestApp,
  account: Account,
  authenticator: SoftAuthenticator,
  name?: string,
): Promise<PasskeyJson> {
  const options = await registrationOptions(t, account)
  const res = await addPasskey(t, account, { credential: authenticator.register(options), ...(name ? { name } : {}) })
  assert.equal(res.status, 201, `registration: ${res.status} ${await res.clone().text()}`)
  return (await res.json()) as PasskeyJson
}

/** A fresh user with one passkey of `authenticator`'s. */
export async function accountWithPasskey(
  t: TestApp,
  options: ConstructorParameters<typeof SoftAuthenticator>[0] = { origin: '' },
): Promise<Account & { authenticator: SoftAuthenticator; passkey: PasskeyJson }> {
  const account = await newAccount(t)
  const authenticator = newAuthenticator(t, options)
  return { ...account, authenticator, passkey: await register(t, account, authenticator) }
}

export function askSigninOptions(t: TestApp, client: Client = freshClient(), body: unknown = {}) {
  return call(t, 'POST', '/api/auth/passkey/options', { client, body })
}

export async function signinOptions(t: TestApp, client: Client = freshClient()): Promise<RequestOptionsJson> {
  const res = await askSigninOptions(t, client)
  assert.equal(res.status, 200, `sign-in options: ${res.status} ${await res.clone().text()}`)
  return ((await res.json()) as { options: RequestOptionsJson }).options
}

export function verify(t: TestApp, credential: unknown, client: Client = freshClient()) {
  return call(t, 'POST', '/api/auth/passkey/verify', { client, body: { credential } })
}

/** New sign-in options answered by `authenticator` (with `forgery`), sent to verify. */
export async function signInWith(
  t: TestApp,
  authenticator: SoftAuthenticator,
  forgery: Forgery = {},
  client: Client = freshClient(),
): Promise<Response> {
  const assertion: AssertionJson = authenticator.assert(await signinOptions(t, client), forgery)
  return verify(t, assertion, client)
}

/** The response is the one refusal of API.md: 401, Bearer, the same detail and code. */
export async function assertNotRecognised(res: Response, what = ''): Promise<Problem> {
  const body = await assertUnauthorized(res, what)
  assert.deepEqual({ detail: body.detail, code: body.code }, NOT_RECOGNISED, what)
  assert.equal(res.headers.getSetCookie().length, 0, `${what}: no cookie`)
  return body
}

/** The `amr` claim of a sign-in's access token. */
export async function amrOf(res: Response): Promise<unknown> {
  const body = (await res.clone().json()) as { token: string }
  return decodeJwt(body.token).amr
}

/** The passkey's row as stored. */
export async function storedPasskey(t: TestApp, id: string) {
  const [row] = await t.services.database.db.select().from(passkey).where(eq(passkey.id, id))
  return row
}

export async function listPasskeys(t: TestApp, { s, client }: Account): Promise<PasskeyJson[]> {
  const res = await call(t, 'GET', '/api/me/passkeys', { credential: bearer(s), client })
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { items: PasskeyJson[] }).items
}

/** The account's security event actions, newest first. */
export async function eventActions(t: TestApp, { s, client }: Account): Promise<string[]> {
  const res = await call(t, 'GET', '/api/me/events?limit=100', { credential: bearer(s), client })
  assert.equal(res.status, 200, await res.clone().text())
  return ((await res.json()) as { items: { action: string }[] }).items.map((e) => e.action)
}
