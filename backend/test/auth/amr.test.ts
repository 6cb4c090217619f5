/**
 * `amr` (RFC 8176): every access token says how its session was signed in, and a renewed
 * token says the same as the first. A session stored without one is a password sign-in.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { session as sessionTable } from '../../src/db/schema.js'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithApp, STRONG_PASSWORD } from '../support/harness.js'

describeWithApp('amr in access tokens', {}, (t) => {
  const renewed = async (sessionToken: string) => {
    const res = await t.get('/api/auth/token', sessionToken)
    assert.equal(res.status, 200)
    return decodeJwt(((await res.json()) as { token: string }).token)
  }

  it('is ["pwd"] after sign-up and after a password sign-in, and stays so when renewed', async () => {
    const up = await t.signup()
    assert.deepEqual(decodeJwt(up.token).amr, ['pwd'])
    const res = await t.post('/api/auth/signin', { email: up.user.email, password: STRONG_PASSWORD })
    assert.equal(res.status, 200)
    const signedIn = (await res.json()) as { token: string; session_token: string }
    assert.deepEqual(decodeJwt(signedIn.token).amr, ['pwd'])
    assert.deepEqual((await renewed(signedIn.session_token)).amr, ['pwd'])
  })

  it("copies the session's amr into every token it renews", async () => {
    const { session_token, token } = await t.signup()
    const sid = decodeJwt(token).sid as string
    const db = t.services.database.db
    await db.update(sessionTable).set({ amr: 'pwd otp mfa' }).where(eq(sessionTable.id, sid))
    assert.deepEqual((await renewed(session_token)).amr, ['pwd', 'otp', 'mfa'])
  })

  it('counts a session stored without amr (made before second factors) as a password sign-in', async () => {
    const { session_token, token } = await t.signup()
    const sid = decodeJwt(token).sid as string
    await t.services.database.db.update(sessionTable).set({ amr: null }).where(eq(sessionTable.id, sid))
    assert.deepEqual((await renewed(session_token)).amr, ['pwd'])
  })

  it('refuses a server-signed token whose amr is not a list of strings', async () => {
    const { user, token } = await t.signup()
    const { sid, email } = decodeJwt(token)
    const iat = Math.floor(Date.now() / 1000)
    for (const amr of ['pwd', [1], { 0: 'pwd' }]) {
      const payload = { sub: user.id, sid, email, amr, iat }
      const forged = (await t.services.auth.api.signJWT({ body: { payload } })).token
      await assertUnauthorized(await t.get('/api/me', forged), `amr ${JSON.stringify(amr)}`)
    }
  })
})
