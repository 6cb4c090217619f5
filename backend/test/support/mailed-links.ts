/**
 * The mailed links of the account tests: verification and reset tokens from the mail catcher,
 * the routes that take them, and their stored rows and expiry.
 */
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { eq, like, or } from 'drizzle-orm'
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose'
import { verification } from '../../src/db/schema.js'
import { HOUR } from './account.js'
import { THROUGH_BALANCER } from './balancer.js'
import { type Client, call, freshClient, signUpAs } from './clients.js'
import { expectStatus } from './expectations.js'
import { type SignedIn, TEST_SECRET, type TestApp } from './harness.js'
import { type CaughtMail, linkToken, type MailCatcher } from './mail-catcher.js'

/**
 * Through the balancer (decision 032) the app's queues are in other processes, out of the test's
 * sight: it waits this long instead, many times what a mail to the catcher on this machine takes.
 */
const MAIL_SETTLE_THROUGH_BALANCER_MS = 1_500

/**
 * Everything the mail server has received has been handed over: the app has nothing queued,
 * so a message that has not arrived by now was never sent.
 */
export async function mailSettled(t: TestApp): Promise<void> {
  if (THROUGH_BALANCER) return void (await sleep(MAIL_SETTLE_THROUGH_BALANCER_MS))
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
