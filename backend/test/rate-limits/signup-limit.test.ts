/**
 * Sign-ups per client IP: the 4th is 429, on our route and Better Auth's alike.
 */
import { it } from 'node:test'
import { HOUR } from '../support/account.js'
import { freshIp } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { describeWithApp, uniqueEmail } from '../support/harness.js'
import { BEHIND_PROXY, client } from './support.js'

describeWithApp('rate limits', BEHIND_PROXY, (t) => {
  it('refuses the 4th sign-up from one client IP with 429, and creates no user', async () => {
    const c = client(t, freshIp())
    for (let i = 1; i <= 3; i++) await expectStatus(await c.signup(uniqueEmail('rl')), 201, `sign-up ${i}`)
    const refused = uniqueEmail('rl')
    await expectLimited(await c.signup(refused), HOUR, 'sign-up 4')
    // Not created: the same email is still free for another client.
    await expectStatus(await client(t, freshIp()).signup(refused), 201, 'the refused email from another IP')
  })

  it('Better Auth sign-up/email shares the per-IP sign-up limit with /api/auth/signup', async () => {
    const c = client(t, freshIp())
    await expectStatus(await c.signup(uniqueEmail('rl'), 'seed'), 201, 'seed sign-up 1')
    await expectStatus(await c.signup(uniqueEmail('rl'), 'better-auth'), 200, 'Better Auth sign-up 2')
    await expectStatus(await c.signup(uniqueEmail('rl'), 'seed'), 201, 'seed sign-up 3')
    const refused = uniqueEmail('rl')
    await expectLimited(await c.signup(refused, 'better-auth'), HOUR, 'Better Auth sign-up 4')
    await expectLimited(await c.signup(uniqueEmail('rl'), 'seed'), HOUR, 'seed sign-up 5')
    await expectStatus(await client(t, freshIp()).signup(refused, 'better-auth'), 200, 'refused email, other IP')
  })
})
