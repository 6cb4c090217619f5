/**
 * The identity policy is attached to Better Auth's own pipeline, so it also holds for
 * server-side `auth.api.*` calls, which no HTTP middleware of ours sees. And nothing it needs
 * comes from ambient state: a call that does not say who the client is fails, loudly.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { MissingRequestOriginError } from '../../src/audit/request-origin.js'
import { user } from '../../src/db/schema.js'
import { HttpError } from '../../src/http/problem.js'
import { CLIENT_IP_HEADER } from '../../src/identity/request-headers.js'
import { describeWithApp, STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'

describeWithApp(
  'server-side auth.api calls',
  { RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '2', TRUSTED_PROXIES: '127.0.0.1,::1' },
  (t) => {
    const headers = () => new Headers({ [CLIENT_IP_HEADER]: '192.0.2.7' })
    const stored = (email: string) => t.services.database.db.select().from(user).where(eq(user.email, email))

    it('refuse a common password at sign-up with the 422 our routes give', async () => {
      const email = uniqueEmail('api')
      await assert.rejects(
        t.services.auth.api.signUpEmail({ body: { email, password: 'michelle', name: 'Ann' }, headers: headers() }),
        (err: unknown) =>
          err instanceof HttpError && err.status === 422 && err.extras.errors?.[0]?.field === 'password',
      )
      assert.deepEqual(await stored(email), [])
    })

    it('count wrong passwords against the account like every other sign-in', async () => {
      const s = await t.signup()
      const wrong = () =>
        t.services.auth.api.signInEmail({
          body: { email: s.user.email, password: 'not the password at all' },
          headers: headers(),
        })
      for (let i = 0; i < 2; i++) {
        await assert.rejects(wrong(), (err: unknown) => err instanceof HttpError && err.status === 401)
      }
      await assert.rejects(wrong(), (err: unknown) => err instanceof HttpError && err.status === 429)
      // The limit (per account and client, decision 018) is shared with the HTTP door.
      const res = await t.post(
        '/api/auth/signin',
        { email: s.user.email, password: s.password },
        { headers: { 'x-forwarded-for': '192.0.2.7' } },
      )
      assert.equal(res.status, 429)
    })

    it('fail when they do not say who the client is, instead of counting nobody', async () => {
      await assert.rejects(
        t.services.auth.api.signInEmail({ body: { email: uniqueEmail('anon'), password: STRONG_PASSWORD } }),
        /x-taskwell-client-ip is missing/,
      )
    })

    it('cannot record a security event outside a request: an error in tests, not a silent null', async () => {
      const s = await t.signup()
      await assert.rejects(t.services.audit.record(s.user.id, 'name_changed'), MissingRequestOriginError)
    })
  },
)
