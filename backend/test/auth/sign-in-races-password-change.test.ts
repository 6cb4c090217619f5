/**
 * A sign-in with a password being replaced (PUT /api/me/password, a reset) never leaves a
 * working session, however it is timed.
 */

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp, NEW_PASSWORD } from '../support/account.js'
import { type Client, call, freshClient, signIn, signInAs, signUpAs } from '../support/clients.js'
import { assertSession, expectStatus } from '../support/expectations.js'
import type { SignedIn } from '../support/harness.js'
import { confirmReset, mailedResetToken } from '../support/mailed-links.js'
import { RACE_TRIALS, RACING_SIGNINS, survivors } from '../support/session-races.js'

describeWithMailApp('a sign-in with a password being replaced', {}, (t, catcher) => {
  type Race = { survivors: string[]; statuses: Map<number, number>; succeeded: number }

  /**
   * Keeps `RACING_SIGNINS` sign-ins with `s`'s (old) password in flight from 100 ms before
   * `replace` until 300 ms after it; then checks the credentials of every sign-in that
   * answered 200.
   */
  async function racePasswordChange(s: SignedIn, client: Client, replace: () => Promise<Response>): Promise<Race> {
    let racing = true
    const obtained: SignedIn[] = []
    const statuses = new Map<number, number>()
    const signInLoop = async () => {
      while (racing) {
        const res = await signIn(t, s.user.email, s.password, client)
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status === 200) obtained.push({ ...((await res.json()) as SignedIn), password: s.password })
        else await res.body?.cancel()
      }
    }
    const loops = Array.from({ length: RACING_SIGNINS }, signInLoop)
    await sleep(100)
    const replaced = await replace()
    await expectStatus(replaced, 204, 'the password change')
    await sleep(300)
    racing = false
    await Promise.all(loops)
    const since = performance.now()
    return { survivors: await survivors(t, obtained, since), statuses, succeeded: obtained.length }
  }

  async function trials(replace: (s: SignedIn, client: Client) => Promise<Response>) {
    const report: string[] = []
    let left = 0
    const statuses = new Map<number, number>()
    for (let trial = 1; trial <= RACE_TRIALS; trial++) {
      const client = freshClient()
      const s = await signUpAs(t, client)
      await catcher.nextMessageTo(s.user.email)
      const race = await racePasswordChange(s, client, () => replace(s, client))
      for (const [status, n] of race.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n)
      left += race.survivors.length
      report.push(
        `trial ${trial}: ${race.succeeded} old-password sign-ins answered 200, still working: ${race.survivors.join(', ') || 'none'}`,
      )
      // The new password is the account's.
      await assertUnauthorized(await signIn(t, s.user.email, s.password), `trial ${trial}: the old password`)
      const fresh = await signInAs(t, freshClient(), s.user.email, NEW_PASSWORD)
      await assertSession(t, fresh, true, `trial ${trial}: a session made with the new password`)
    }
    const unexpected = [...statuses.keys()].filter((status) => status !== 200 && status !== 401)
    assert.ok(
      left === 0 && unexpected.length === 0,
      `sign-ins with the old password around the change answered ${JSON.stringify(Object.fromEntries(statuses))} ` +
        `(only 200 or 401 is right); sessions made with the replaced password must not work:\n${report.join('\n')}`,
    )
  }

  it('PUT /api/me/password: no sign-in with the old password that was in flight leaves a working session or access token, and none answers 500', async () => {
    await trials((s) =>
      call(t, 'PUT', '/api/me/password', {
        credential: { bearer: s.token },
        client: freshClient(),
        body: { current_password: s.password, new_password: NEW_PASSWORD },
      }),
    )
  })

  it('password-reset confirm: no sign-in with the old password that was in flight leaves a working session or access token, and none answers 500', async () => {
    await trials(async (s) => {
      const token = await mailedResetToken(t, catcher, s.user.email)
      return confirmReset(t, token, NEW_PASSWORD)
    })
  })
})
