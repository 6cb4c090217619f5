/**
 * API.md: a wrong password and an unknown email take about the same time. A wrong password cost
 * about 1 ms more (the account's rows are read), enough to tell accounts apart over many tries.
 * A failed sign-in now takes at least SIGNIN_FAILURE_MIN_MS, more than either path's work, at
 * both doors and for accounts with TOTP on; measured as a ratio of medians.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { totpAccount } from '../second-factors/support.js'
import { WRONG_PASSWORD } from '../support/account.js'
import { call, freshClient, signUpAs } from '../support/clients.js'
import { describeWithApp, type TestApp, uniqueEmail } from '../support/harness.js'
import { median } from './support.js'

const FLOOR_MS = 400
const ROUNDS = 5

async function timedFailure(t: TestApp, email: string, via: 'seed' | 'better-auth'): Promise<number> {
  const path = via === 'seed' ? '/api/auth/signin' : '/api/auth/sign-in/email'
  const headers: Record<string, string> = via === 'better-auth' ? { origin: t.config.publicUrl } : {}
  const started = performance.now()
  const res = await call(t, 'POST', path, { body: { email, password: WRONG_PASSWORD }, client: freshClient(), headers })
  await res.arrayBuffer()
  const ms = performance.now() - started
  assert.equal(res.status, 401, `${via} ${email}`)
  return ms
}

describeWithApp(
  'the failed sign-in floor',
  { TRUSTED_PROXIES: '127.0.0.1,::1', SIGNIN_FAILURE_MIN_MS: String(FLOOR_MS) },
  (t) => {
    for (const via of ['seed', 'better-auth'] as const) {
      it(`${via}: a wrong password and an unknown email both take the floor, and the same time`, async (ctx) => {
        const s = await signUpAs(t, freshClient())
        const known: number[] = []
        const unknown: number[] = []
        for (let i = 0; i < ROUNDS; i++) {
          known.push(await timedFailure(t, s.user.email, via))
          unknown.push(await timedFailure(t, uniqueEmail('ghost'), via))
        }
        const [k, u] = [median(known), median(unknown)]
        ctx.diagnostic(`median ms: wrong password ${k.toFixed(1)}, unknown email ${u.toFixed(1)}`)
        assert.ok(Math.min(...known, ...unknown) >= FLOOR_MS, 'every failure waited for the floor')
        // Neither is visibly faster. (A floor hides only work shorter than itself: on a machine
        // so busy that a password check takes longer, the difference shows again.)
        const ratio = u / k
        assert.ok(ratio > 0.75 && ratio < 1.33, `unknown email / wrong password = ${ratio.toFixed(2)}`)
      })
    }

    it('a wrong password of an account with TOTP on takes the floor too', async () => {
      const a = await totpAccount(t)
      assert.ok((await timedFailure(t, a.user.email, 'seed')) >= FLOOR_MS)
    })
  },
)
