/**
 * Two app instances on one database share the rate-limit counters.
 */
import { it } from 'node:test'
import { FIFTEEN_MINUTES, HOUR, WRONG_PASSWORD } from '../support/account.js'
import { freshIp } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { describeWithApp, STRONG_PASSWORD, startTestApp, uniqueEmail } from '../support/harness.js'
import { BEHIND_PROXY, client, newAccount } from './support.js'

describeWithApp('rate limits', BEHIND_PROXY, (t, driver) => {
  it('two app instances on one database share the counters', async () => {
    const t2 = await startTestApp(driver, BEHIND_PROXY)
    try {
      const ip = freshIp()
      const [a, b] = [client(t, ip), client(t2, ip)]
      await expectStatus(await a.signup(uniqueEmail('rl')), 201, 'sign-up 1 on app 1')
      await expectStatus(await b.signup(uniqueEmail('rl')), 201, 'sign-up 2 on app 2')
      await expectStatus(await a.signup(uniqueEmail('rl')), 201, 'sign-up 3 on app 1')
      await expectLimited(await b.signup(uniqueEmail('rl')), HOUR, 'sign-up 4 on app 2')

      const email = await newAccount(t)
      // One client on both instances: its failures on the account add up (decision 018).
      const attackerIp = freshIp()
      const [x, y] = [client(t, attackerIp), client(t2, attackerIp)]
      await expectStatus(await x.signin(email, WRONG_PASSWORD), 401, 'failure 1 on app 1')
      await expectStatus(await y.signin(email, WRONG_PASSWORD), 401, 'failure 2 on app 2')
      await expectStatus(await x.signin(email, WRONG_PASSWORD, 'better-auth'), 401, 'failure 3 on app 1')
      await expectLimited(await y.signin(email, STRONG_PASSWORD), FIFTEEN_MINUTES, 'right password on app 2')
    } finally {
      await t2.close()
    }
  })
})
