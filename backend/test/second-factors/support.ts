/**
 * What the second-factor tests share: an account with TOTP on (enrolled through the API, as a
 * user would), an authenticator that hands out codes, and the sign-in's two steps.
 */
import assert from 'node:assert/strict'
import { and, eq } from 'drizzle-orm'
import { auditEvent, totpFactor } from '../../src/db/schema.js'
import { codeAtStep, timeStep } from '../../src/identity/second-factor/totp.js'
import { type Client, call, freshClient, signUpAs } from '../support/clients.js'
import type { SignedIn, TestApp } from '../support/harness.js'

export type MfaStep = { mfa_required: true; mfa_token: string; methods: string[]; expires_at: string }

/** The authenticator app of an account: its secret, and the codes it shows. */
export type Authenticator = {
  secret: string
  /**
   * A code the account has not accepted yet. Steps run out within 30 seconds (a step is accepted
   * once, and only now ± 1); then the account's last accepted step is moved back, as if the
   * time had passed. Tests of replay itself use `codeAtStep` and never this.
   */
  freshCode(): Promise<string>
}

export type TotpAccount = SignedIn & { authenticator: Authenticator; recoveryCodes: string[]; client: Client }

/** The code of the current time step (what an app shows now). */
export const currentCode = (secret: string) => codeAtStep(secret, timeStep(Date.now()))

export function authenticatorOf(t: TestApp, userId: string, secret: string, lastStep: number): Authenticator {
  let last = lastStep
  return {
    secret,
    async freshCode() {
      const now = timeStep(Date.now())
      let step = Math.max(now, last + 1)
      if (step > now + 1) {
        await t.services.database.db
          .update(totpFactor)
          .set({ lastStep: now - 1 })
          .where(eq(totpFactor.userId, userId))
        step = now
      }
      last = step
      return codeAtStep(secret, step)
    },
  }
}

/** Begins an enrolment for `s` (with its password); returns the secret. */
export async function beginEnrolment(t: TestApp, s: SignedIn, client: Client = freshClient()): Promise<string> {
  const res = await call(t, 'POST', '/api/me/2fa/totp', {
    credential: { bearer: s.token },
    body: { password: s.password },
    client,
  })
  assert.equal(res.status, 200, `begin TOTP: ${res.status} ${await res.clone().text()}`)
  return ((await res.json()) as { secret: string }).secret
}

/** Turns TOTP on for `s` through the API; returns its recovery codes and authenticator. */
export async function enableTotp(t: TestApp, s: SignedIn, client: Client = freshClient()) {
  const secret = await beginEnrolment(t, s, client)
  const step = timeStep(Date.now())
  const res = await call(t, 'POST', '/api/me/2fa/totp/confirm', {
    credential: { bearer: s.token },
    body: { code: codeAtStep(secret, step) },
    client,
  })
  assert.equal(res.status, 200, `confirm TOTP: ${res.status} ${await res.clone().text()}`)
  const { recovery_codes } = (await res.json()) as { recovery_codes: string[] }
  return { recoveryCodes: recovery_codes, authenticator: authenticatorOf(t, s.user.id, secret, step) }
}

/** A fresh user with TOTP on, signed in (the session that turned it on). */
export async function totpAccount(t: TestApp): Promise<TotpAccount> {
  const client = freshClient()
  const s = await signUpAs(t, client)
  return { ...s, client, ...(await enableTotp(t, s, client)) }
}

/** The password step of a TOTP account: the response, unread. */
export const passwordStep = (t: TestApp, email: string, password: string, client: Client = freshClient()) =>
  call(t, 'POST', '/api/auth/signin', { body: { email, password }, client })

/** The password step, checked: the second step it asks for. */
export async function mfaStep(t: TestApp, a: { user: { email: string }; password: string }, client = freshClient()) {
  const res = await passwordStep(t, a.user.email, a.password, client)
  assert.equal(res.status, 200, `password step: ${res.status} ${await res.clone().text()}`)
  const body = (await res.json()) as MfaStep
  assert.equal(body.mfa_required, true, 'the password step asks for a second factor')
  return body
}

/** POST /api/auth/signin/2fa with `body`. */
export const secondStep = (t: TestApp, body: Record<string, unknown>, client: Client = freshClient()) =>
  call(t, 'POST', '/api/auth/signin/2fa', { body, client })

/** How many times `action` was recorded for `userId`. */
export async function eventCount(t: TestApp, userId: string, action: string): Promise<number> {
  const rows = await t.services.database.db
    .select({ id: auditEvent.id })
    .from(auditEvent)
    .where(and(eq(auditEvent.userId, userId), eq(auditEvent.action, action)))
  return rows.length
}

/** Six digits that are the code of no step near now: certainly a wrong code for `secret`. */
export function wrongCode(secret: string): string {
  const now = timeStep(Date.now())
  const near = new Set([-2, -1, 0, 1, 2].map((d) => codeAtStep(secret, now + d)))
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0')
    if (!near.has(code)) return code
  }
}
