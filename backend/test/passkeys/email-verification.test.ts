/**
 * API.md "Passkeys" with REQUIRE_EMAIL_VERIFICATION=true: a passkey sign-in obeys what a
 * password sign-in obeys (decision 013: the identity policy on the session starter), so an
 * unverified address gets 403 `EMAIL_NOT_VERIFIED` and no session, and a verified one signs in.
 * The passkey is registered on an app without the setting, over the same database.
 */
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { user } from '../../src/db/schema.js'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY } from '../support/account.js'
import { describeWithApp, startTestApp, type TestApp } from '../support/harness.js'
import { accountWithPasskey, signInWith } from './support.js'

describeWithApp('passkey sign-in with REQUIRE_EMAIL_VERIFICATION=true', BEHIND_PROXY, (t, driver) => {
  let strict: TestApp
  before(async () => {
    strict = await startTestApp(driver, { ...BEHIND_PROXY, REQUIRE_EMAIL_VERIFICATION: 'true' })
  })
  after(() => strict?.close())

  it('an unverified address: 403 EMAIL_NOT_VERIFIED, no cookie, no session', async () => {
    const { authenticator } = await accountWithPasskey(t)
    const res = await signInWith(strict, authenticator, { origin: strict.config.publicUrl })
    const body = await assertProblem(res, 403)
    assert.equal(body.code, 'EMAIL_NOT_VERIFIED')
    assert.equal(res.headers.getSetCookie().length, 0, 'no cookie')
    assert.equal((body as Record<string, unknown>).token, undefined)
  })

  it('a verified address signs in', async () => {
    const { s, authenticator } = await accountWithPasskey(t)
    await t.services.database.db.update(user).set({ emailVerified: true }).where(eq(user.id, s.user.id))
    const res = await signInWith(strict, authenticator, { origin: strict.config.publicUrl })
    assert.equal(res.status, 200, await res.clone().text())
  })

  it("each app expects its own origin: the other app's is refused", async () => {
    const { authenticator } = await accountWithPasskey(t)
    assert.equal((await signInWith(strict, authenticator, { origin: t.config.publicUrl })).status, 401)
  })
})
