/**
 * Failed sign-ins per account and client, and per client IP, counted across both routes, and
 * reset by a successful sign-in. A client's failures on an account stop that client only: the
 * account's own lock for everyone is gone (decision 018; test/lockout/ covers strangers, device
 * cookies and the pauses of an account many clients failed).
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { readProblem } from '../../testkit/problem.js'
import { FIFTEEN_MINUTES, WRONG_PASSWORD } from '../support/account.js'
import { freshIp } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { describeWithApp, STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'
import { BEHIND_PROXY, client, newAccount, type Route } from './support.js'

describeWithApp('rate limits', BEHIND_PROXY, (t) => {
  it('refuses a client on an account after 3 failed sign-ins, even with the right password; another client signs in', async () => {
    const email = await newAccount(t)
    const c = client(t, freshIp())
    for (let i = 1; i <= 3; i++) await expectStatus(await c.signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
    await expectLimited(await c.signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, 'right password after 3 failures')
    // Strangers cannot lock the owner out: the same account from another client.
    await expectStatus(await client(t, freshIp()).signin(email, STRONG_PASSWORD), 200, 'same account, another IP')
    // The limit is about that account: another one signs in from the same IP.
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

  it("a successful sign-in resets the client's failure count on the account", async () => {
    const email = await newAccount(t)
    const c = client(t, freshIp())
    for (let i = 1; i <= 2; i++) await expectStatus(await c.signin(email, WRONG_PASSWORD), 401, `failure ${i}`)
    await expectStatus(await c.signin(email, STRONG_PASSWORD), 200, 'success after 2 failures')
    for (let i = 1; i <= 3; i++) {
      await expectStatus(await c.signin(email, WRONG_PASSWORD), 401, `failure ${i} after the success`)
    }
    await expectLimited(await c.signin(email, WRONG_PASSWORD), FIFTEEN_MINUTES, '4th failure after the success')
  })

  it('Better Auth sign-in/email shares the count with /api/auth/signin, and its success resets it', async () => {
    const email = await newAccount(t)
    const c = client(t, freshIp())
    await expectStatus(await c.signin(email, WRONG_PASSWORD, 'seed'), 401, 'seed failure')
    const baFailure = await c.signin(email, WRONG_PASSWORD, 'better-auth')
    assert.equal(baFailure.status, 401)
    assert.equal((await readProblem(baFailure)).status, 401)
    await expectStatus(await c.signin(email, STRONG_PASSWORD, 'better-auth'), 200, 'Better Auth success')
    for (let i = 1; i <= 3; i++) await expectStatus(await c.signin(email, WRONG_PASSWORD, 'seed'), 401, `failure ${i}`)
    await expectLimited(await c.signin(email, STRONG_PASSWORD, 'better-auth'), FIFTEEN_MINUTES, 'Better Auth')
    await expectLimited(await c.signin(email, STRONG_PASSWORD, 'seed'), FIFTEEN_MINUTES, 'seed')
  })
})
