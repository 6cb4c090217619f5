/**
 * A refused sign-in is cheap for the server (no password hash) and slow for the client (the
 * tarpit), without holding up anyone else.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { FIFTEEN_MINUTES, WRONG_PASSWORD } from '../support/account.js'
import { freshIp } from '../support/clients.js'
import { expectLimited, expectStatus } from '../support/expectations.js'
import { describeWithApp, startTestApp, uniqueEmail } from '../support/harness.js'
import { BEHIND_PROXY, client, median, newAccount } from './support.js'

describeWithApp('rate limits', BEHIND_PROXY, (t, driver) => {
  it('a rate-limited sign-in answers without hashing a password', async (ctx) => {
    const accounts = [await newAccount(t), await newAccount(t), await newAccount(t)]
    const timed = async (email: string, status: number, from = client(t, freshIp())) => {
      const started = performance.now()
      const res = await from.signin(email, WRONG_PASSWORD)
      const ms = performance.now() - started
      await expectStatus(res, status, `timed sign-in for ${email}`)
      return ms
    }
    const attacker = client(t, freshIp())
    const failed: number[] = []
    for (const email of accounts) for (let i = 0; i < 3; i++) failed.push(await timed(email, 401))
    for (let i = 0; i < 3; i++) await expectStatus(await attacker.signin(accounts[0] as string, WRONG_PASSWORD), 401)
    const limited: number[] = []
    for (let i = 0; i < 9; i++) limited.push(await timed(accounts[0] as string, 429, attacker))
    const m401 = median(failed)
    const m429 = median(limited)
    ctx.diagnostic(`median 401 ${m401.toFixed(1)} ms, median 429 ${m429.toFixed(1)} ms`)
    assert.ok(
      m429 < 0.5 * m401,
      `429s should skip argon2: median 429 ${m429.toFixed(1)} ms vs median 401 ${m401.toFixed(1)} ms`,
    )
  })

  it('a refused sign-in waits SIGNIN_REFUSAL_DELAY_MS before its 429, without holding up anyone else', async () => {
    const slow = await startTestApp(driver, { ...BEHIND_PROXY, SIGNIN_REFUSAL_DELAY_MS: '400' })
    try {
      const c = client(slow, freshIp())
      for (let i = 1; i <= 5; i++)
        await expectStatus(await c.signin(uniqueEmail('tp'), WRONG_PASSWORD), 401, `failure ${i}`)
      const started = performance.now()
      const refusals = [1, 2, 3, 4].map(() => c.signin(uniqueEmail('tp'), WRONG_PASSWORD, 'better-auth'))
      refusals.push(c.signin(uniqueEmail('tp'), WRONG_PASSWORD))
      // While they wait, an honest user is answered: the pause holds a timer, not the process.
      const honest = await client(slow, freshIp()).signup(uniqueEmail('tp'))
      await expectStatus(honest.clone(), 201, 'an honest sign-up during the pauses')
      const { user, token } = (await honest.json()) as { user: { id: string }; token: string }
      const list = await slow.get(`/api/${user.id}/tasks`, token)
      await expectStatus(list, 200, 'an honest request during the pauses')
      const listedAt = performance.now() - started
      for (const res of await Promise.all(refusals))
        await expectLimited(res, FIFTEEN_MINUTES, 'refused during the pause')
      const refusedAt = performance.now() - started
      assert.ok(refusedAt >= 400, `the 429s came after ${refusedAt.toFixed(0)} ms`)
      assert.ok(listedAt < refusedAt, 'the honest user did not wait for the refusals')
    } finally {
      await slow.close()
    }
  })
})
