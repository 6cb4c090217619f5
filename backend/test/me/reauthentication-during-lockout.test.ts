/**
 * Failed sign-ins by others do not lock a signed-in owner out of re-authenticating, while
 * wrong current passwords stay limited. (Since decision 018 a client's failures lock only that
 * client out of signing in to the account; here one attacker client reaches its limit.)
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { BEHIND_PROXY, FIFTEEN_MINUTES, NEW_PASSWORD, WRONG_PASSWORD } from '../support/account.js'
import { call, freshClient, me, signIn, signUpAs } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { describeWithApp, type SignedIn } from '../support/harness.js'

const FAILURES_PER_ACCOUNT = 3

describeWithApp(
  're-authentication and the sign-in lock-out',
  {
    ...BEHIND_PROXY,
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
  },
  (t) => {
    const changePassword = (s: SignedIn, current: string, client = freshClient()) =>
      call(t, 'PUT', '/api/me/password', {
        credential: { bearer: s.token },
        client,
        body: { current_password: current, new_password: NEW_PASSWORD },
      })

    it(`failed sign-ins for the account (${FAILURES_PER_ACCOUNT + 1} and more, from other clients) do not stop its signed-in owner changing the password with the right current one`, async () => {
      const s = await signUpAs(t, freshClient())
      const attacker = freshClient()
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++)
        await assertUnauthorized(await signIn(t, s.user.email, WRONG_PASSWORD, attacker), `failed sign-in ${i}`)
      await expectLimited(await signIn(t, s.user.email, WRONG_PASSWORD, attacker), FIFTEEN_MINUTES, 'locked')
      await expectLimited(await signIn(t, s.user.email, WRONG_PASSWORD, attacker), FIFTEEN_MINUTES, 'still locked')

      await expectStatus(await changePassword(s, s.password), 204, 'the owner, with the right current password')
      assert.equal((await me(t, { bearer: s.token })).status, 200, "the owner's session stays")
    })

    it('failed sign-ins for the account do not stop its signed-in owner deleting it with the right password', async () => {
      const s = await signUpAs(t, freshClient())
      const attacker = freshClient()
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++)
        await assertUnauthorized(await signIn(t, s.user.email, WRONG_PASSWORD, attacker), `failed sign-in ${i}`)
      await expectLimited(await signIn(t, s.user.email, WRONG_PASSWORD, attacker), FIFTEEN_MINUTES, 'locked')

      const deleted = await call(t, 'DELETE', '/api/me', {
        credential: { bearer: s.token },
        client: freshClient(),
        body: { password: s.password },
      })
      await expectStatus(deleted, 204, 'the owner, with the right password')
      await assertUnauthorized(await me(t, { bearer: s.session_token }), 'the deleted account')
    })

    it(`wrong current passwords on PUT /api/me/password are still limited: after ${FAILURES_PER_ACCOUNT}, 429, even for the right one`, async () => {
      const s = await signUpAs(t, freshClient())
      for (let i = 1; i <= FAILURES_PER_ACCOUNT; i++) {
        await assertProblem(await changePassword(s, WRONG_PASSWORD), 422, {
          fields: ['current_password'],
          what: `wrong current ${i}`,
        })
      }
      await expectLimited(await changePassword(s, WRONG_PASSWORD), FIFTEEN_MINUTES, 'a wrong one over the limit')
      await expectLimited(await changePassword(s, s.password), FIFTEEN_MINUTES, 'the right one over the limit')
      const withNew = await signIn(t, s.user.email, NEW_PASSWORD)
      assert.notEqual(withNew.status, 200, 'the refused change changed nothing')
      await withNew.body?.cancel()
    })
  },
)
