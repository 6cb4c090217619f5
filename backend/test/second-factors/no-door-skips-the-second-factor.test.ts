/**
 * API.md "Better Auth's routes": no door makes a session from the password alone of an account
 * with TOTP on. Better Auth's own sign-in/email answers 403 MFA_REQUIRED with no session, a
 * server-side `auth.api.signInEmail` call is refused the same way, and Better Auth's two-factor
 * plugin routes do not exist here.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { session } from '../../src/db/schema.js'
import { CLIENT_IP_HEADER } from '../../src/identity/request-headers.js'
import { SecondFactorRequired } from '../../src/identity/second-factor/second-factor-required.js'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY, WRONG_PASSWORD } from '../support/account.js'
import { call, freshClient } from '../support/clients.js'
import { describeWithApp, sessionCookie, type TestApp } from '../support/harness.js'
import { eventCount, passwordStep, totpAccount } from './support.js'

const sessionsOf = async (t: TestApp, userId: string) =>
  (await t.services.database.db.select().from(session).where(eq(session.userId, userId))).length

describeWithApp(
  'no door skips the second factor',
  { ...BEHIND_PROXY, RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '3' },
  (t) => {
    const betterAuthSignIn = (email: string, password: string, client = freshClient()) =>
      call(t, 'POST', '/api/auth/sign-in/email', {
        body: { email, password },
        client,
        headers: { origin: t.config.publicUrl },
      })

    it("answers Better Auth's sign-in/email with 403 MFA_REQUIRED, no cookie and no session", async () => {
      const a = await totpAccount(t)
      const sessions = await sessionsOf(t, a.user.id)
      const res = await betterAuthSignIn(a.user.email, a.password)
      const problem = await assertProblem(res, 403)
      assert.equal(problem.code, 'MFA_REQUIRED')
      assert.match(problem.detail ?? '', /POST \/api\/auth\/signin/)
      assert.equal(res.headers.getSetCookie().length, 0, 'no cookie of any kind')
      assert.equal(sessionCookie(res), '')
      assert.equal(await sessionsOf(t, a.user.id), sessions)
      assert.equal(await eventCount(t, a.user.id, 'signed_in'), 0)
    })

    it('counts that answer as a right password, and a wrong password there as the usual 401', async () => {
      const a = await totpAccount(t)
      const client = freshClient()
      for (let i = 0; i < 5; i++) await assertProblem(await betterAuthSignIn(a.user.email, a.password, client), 403)
      assert.equal(
        (await passwordStep(t, a.user.email, a.password)).status,
        200,
        'right passwords never lock the account',
      )
      const wrong = await assertProblem(await betterAuthSignIn(a.user.email, WRONG_PASSWORD), 401)
      assert.equal(wrong.detail, 'Invalid email or password')
    })

    it('refuses a server-side signInEmail the same way, with the account it stopped', async () => {
      const a = await totpAccount(t)
      const headers = new Headers({ [CLIENT_IP_HEADER]: '192.0.2.10' })
      await assert.rejects(
        t.services.auth.api.signInEmail({ body: { email: a.user.email, password: a.password }, headers }),
        (err) => err instanceof SecondFactorRequired && err.userId === a.user.id,
      )
      assert.equal(await eventCount(t, a.user.id, 'signed_in'), 0)
    })

    it("does not expose Better Auth's two-factor or passkey plugin routes", async () => {
      for (const path of [
        '/api/auth/two-factor/enable',
        '/api/auth/two-factor/verify-totp',
        '/api/auth/two-factor/verify-backup-code',
        '/api/auth/two-factor/get-totp-uri',
        '/api/auth/passkey/generate-register-options',
        '/api/auth/passkey/verify-authentication',
      ]) {
        await assertProblem(await call(t, 'POST', path, { body: {} }), 404, { what: path })
      }
    })
  },
)
