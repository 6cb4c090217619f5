/**
 * API.md "Second-factor limits": passkey sign-in options are limited per client IP
 * (RATE_LIMIT_PASSKEY_OPTIONS_PER_IP); failed passkey sign-ins count with the client's sign-in
 * failures (RATE_LIMIT_SIGNIN_FAILURES_PER_IP), a good one takes its count back; the password
 * asked before registration options counts as decision 009's re-authentication. Beyond a
 * limit: 429 with Retry-After, and the request is not processed.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { assertProblem } from '../../testkit/problem.js'
import { BEHIND_PROXY, FIFTEEN_MINUTES, WRONG_PASSWORD } from '../support/account.js'
import { freshClient } from '../support/clients.js'
import { expectLimited } from '../support/expectations.js'
import { describeWithApp } from '../support/harness.js'
import {
  accountWithPasskey,
  askRegistrationOptions,
  askSigninOptions,
  assertNotRecognised,
  newAccount,
  signinOptions,
  verify,
} from './support.js'

const OPTIONS_PER_IP = 3
const FAILURES_PER_IP = 3
const FAILURES_PER_ACCOUNT = 3

describeWithApp(
  'passkey limits',
  {
    ...BEHIND_PROXY,
    RATE_LIMIT_PASSKEY_OPTIONS_PER_IP: String(OPTIONS_PER_IP),
    RATE_LIMIT_SIGNIN_FAILURES_PER_IP: String(FAILURES_PER_IP),
    RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
  },
  (t) => {
    it(`sign-in options: ${OPTIONS_PER_IP} per client IP, then 429 with Retry-After; other clients are not affected`, async () => {
      const client = freshClient()
      for (let i = 0; i < OPTIONS_PER_IP; i++) assert.equal((await askSigninOptions(t, client)).status, 200)
      await expectLimited(await askSigninOptions(t, client), FIFTEEN_MINUTES, 'over the limit')
      assert.equal((await askSigninOptions(t, freshClient())).status, 200, 'another client')
    })

    it('failed passkey sign-ins count per client IP: then 429, even for a good assertion, whose challenge stays unused', async () => {
      const { authenticator } = await accountWithPasskey(t)
      const client = freshClient()
      for (let i = 0; i < FAILURES_PER_IP; i++) {
        const assertion = authenticator.assert(await signinOptions(t), { badSignature: true })
        await assertNotRecognised(await verify(t, assertion, client))
      }
      const good = authenticator.assert(await signinOptions(t))
      await expectLimited(await verify(t, good, client), FIFTEEN_MINUTES, 'a good one from the limited client')
      assert.equal((await verify(t, good, freshClient())).status, 200, 'not processed: its challenge still works')
    })

    it('a good passkey sign-in takes its count back', async () => {
      const { authenticator } = await accountWithPasskey(t)
      const client = freshClient()
      const fail = async () => verify(t, authenticator.assert(await signinOptions(t), { badSignature: true }), client)
      await assertNotRecognised(await fail())
      await assertNotRecognised(await fail())
      assert.equal((await verify(t, authenticator.assert(await signinOptions(t)), client)).status, 200)
      await assertNotRecognised(await fail(), 'the third failure, not the fourth attempt')
      await expectLimited(await fail(), FIFTEEN_MINUTES, 'the fourth failure')
    })

    it('the password before registration options: a wrong one is 422 and counted; over the limit, 429 even for the right one', async () => {
      const account = await newAccount(t)
      for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) {
        await assertProblem(
          await askRegistrationOptions(t, { ...account, client: freshClient() }, WRONG_PASSWORD),
          422,
          {
            fields: ['password'],
          },
        )
      }
      await expectLimited(await askRegistrationOptions(t, { ...account, client: freshClient() }), FIFTEEN_MINUTES)
    })
  },
)
