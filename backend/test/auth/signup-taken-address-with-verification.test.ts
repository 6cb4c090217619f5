/**
 * With REQUIRE_EMAIL_VERIFICATION=true a taken address is 409, as with verification off.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp } from '../support/account.js'
import { call, freshClient, me, signIn, signInAs } from '../support/clients.js'
import { expectStatus } from '../support/expectations.js'
import { type SignedIn, STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'
import { verificationToken, verifyEmail } from '../support/mailed-links.js'
import { ANOTHER_PASSWORD } from '../support/session-races.js'

describeWithMailApp(
  'sign-up of a taken address with REQUIRE_EMAIL_VERIFICATION=true',
  { REQUIRE_EMAIL_VERIFICATION: 'true' },
  (t, catcher) => {
    const signUp = (email: string, password = ANOTHER_PASSWORD) =>
      call(t, 'POST', '/api/auth/signup', { body: { email, password }, client: freshClient() })

    it('an address already registered is 409 (whatever its case), verified or not, as with verification off', async () => {
      const email = uniqueEmail('taken')
      const first = await signUp(email, STRONG_PASSWORD)
      assert.equal(first.status, 201, await first.clone().text())
      const { user } = (await first.json()) as { user: SignedIn['user'] }
      const verification = await verificationToken(catcher, email)

      await assertProblem(await signUp(email), 409, { what: 'the same address, unverified' })
      await assertProblem(await signUp(email.toUpperCase()), 409, { what: 'the same address in capitals, unverified' })

      await expectStatus(await verifyEmail(t, verification), 200, 'verifying the first account')
      await assertProblem(await signUp(email), 409, { what: 'the same address, verified' })

      // The account is the first sign-up's, with its password.
      const signedIn = await signInAs(t, freshClient(), email, STRONG_PASSWORD)
      assert.equal(signedIn.user.id, user.id)
      assert.equal((await me(t, { bearer: signedIn.token })).status, 200)
      await assertUnauthorized(await signIn(t, email, ANOTHER_PASSWORD), 'the password of a refused sign-up')
    })
  },
)
