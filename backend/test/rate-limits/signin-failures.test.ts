/**
 * Failed sign-ins per account and per client IP, counted across both routes, and reset by a
 * successful sign-in.
 */

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { FIFTEEN_MINUTES, WRONG_PASSWORD } from '../support/account.js'
import { freshIp } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import {
  closeDatabases,
  drivers,
  STRONG_PASSWORD,
  startTestApp,
  type TestApp,
  uniqueEmail,
} from '../support/harness.js'
import { BEHIND_PROXY, client, newAccount, type Route } from './support.js'

after(closeDatabases)

for (const driver of drivers()) {
  describe(`rate limits on ${driver}`, () => {
    let t: TestApp
    before(async () => {
      t = await startTestApp(driver, BEHIND_PROXY)
    })
    after(async () => {
      await t?.close()
    })

    it('blocks an account after 3 failed sign-ins, even with the right password and from another IP', async () => {
      const email = await newAccount(t)
      const ip = freshIp()
      const c = client(t, ip)
      for (let i = 1; i <= 3; i++) await expectStatus(await c.signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
      await expectLimited(await c.signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, 'right password after 3 failures')
      await expectLimited(
        await client(t, freshIp()).signin(email, STRONG_PASSWORD),
        FIFTEEN_MINUTES,
        'same account from another IP',
      )
      // The account limit is about that account: another one signs in from the same IP.
      const other = await newAccount(t)
      await expectStatus(await c.signin(other, STRONG_PASSWORD), 200, 'another account from the same IP')
    })

    it('limits failed sign-ins per client IP across different emails and both routes', async () => {
      const c = client(t, freshIp())
      for (let i = 1; i <= 5; i++) {
        const via: Route = i % 2 ? 'seed' : 'better-auth'
        await expectStatus(await c.signin(uniqueEmail('nobody'), WRONG_PASSWORD, via), 401, `failure ${i} (${via})`)
      }
      const email = await newAccount(t)
      await expectLimited(await c.signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, '6th sign-in from the IP (seed)')
      await expectLimited(
        await c.signin(email, STRONG_PASSWORD, 'better-auth'),
        FIFTEEN_MINUTES,
        '6th sign-in from the IP (Better Auth)',
      )
      // Other clients are not affected.
      await expectStatus(await client(t, freshIp()).signin(email, STRONG_PASSWORD), 200, 'same account, other IP')
    })

    it("a successful sign-in resets the account's failure count", async () => {
      const email = await newAccount(t)
      const from = () => client(t, freshIp()) // a new IP per attempt: only the account limit is in play
      for (let i = 1; i <= 2; i++) await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
      await expectStatus(await from().signin(email, STRONG_PASSWORD), 200, 'success after 2 failures')
      for (let i = 1; i <= 3; i++) {
        await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i} after the success`)
      }
      await expectLimited(await from().signin(email, WRONG_PASSWORD), FIFTEEN_MINUTES, '4th failure after the success')
    })

    it('a successful Better Auth sign-in resets the count shared with the seed route', async () => {
      const email = await newAccount(t)
      const from = () => client(t, freshIp())
      for (let i = 1; i <= 2; i++) await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
      await expectStatus(await from().signin(email, STRONG_PASSWORD, 'better-auth'), 200, 'Better Auth success')
      for (let i = 1; i <= 3; i++) {
        await expectStatus(await from().signin(email, WRONG_PASSWORD), 401, `failure ${i} after the success`)
      }
      await expectLimited(await from().signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, 'after 3 new failures')
    })

    it('Better Auth sign-in/email shares the per-account failure count with /api/auth/signin', async () => {
      const email = await newAccount(t)
      const from = () => client(t, freshIp())
      await expectStatus(await from().signin(email, WRONG_PASSWORD, 'seed'), 401, 'seed failure')
      const baFailure = await from().signin(email, WRONG_PASSWORD, 'better-auth')
      assert.equal(baFailure.status, 401)
      assert.equal((await readProblem(baFailure)).status, 401)
      await expectStatus(await from().signin(email, WRONG_PASSWORD, 'seed'), 401, 'seed failure')
      await expectLimited(await from().signin(email, STRONG_PASSWORD, 'better-auth'), FIFTEEN_MINUTES, 'Better Auth')
      await expectLimited(await from().signin(email, STRONG_PASSWORD, 'seed'), FIFTEEN_MINUTES, 'seed')
    })
  })
}
