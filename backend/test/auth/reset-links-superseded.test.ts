/**
 * An old reset link cannot undo a newer reset or a password change.
 */

import { it } from 'node:test'
import { assertProblem, assertUnauthorized } from '../../testkit/problem.js'
import { describeWithMailApp, NEW_PASSWORD } from '../support/account.js'
import { call, signIn } from '../support/clients.js'
import { assertSession, expectStatus } from '../support/expectations.js'
import { confirmReset, mailedResetToken, signUpWithMail } from '../support/mailed-links.js'
import { ANOTHER_PASSWORD } from '../support/session-races.js'

describeWithMailApp('reset links after a newer reset or a password change', {}, (t, catcher) => {
  const newUser = async () => (await signUpWithMail(t, catcher)).user

  it('once the newest link has reset the password, an older link for the account is 422 on token and changes nothing', async () => {
    const s = await newUser()
    const older = await mailedResetToken(t, catcher, s.user.email)
    const newest = await mailedResetToken(t, catcher, s.user.email)
    await expectStatus(await confirmReset(t, newest, NEW_PASSWORD), 204, 'the newest link')
    await assertProblem(await confirmReset(t, older, ANOTHER_PASSWORD), 422, {
      fields: ['token'],
      what: 'the older link afterwards',
    })
    await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the password the newest link set')
    await assertUnauthorized(await signIn(t, s.user.email, ANOTHER_PASSWORD), 'the password the older link tried')
  })

  it('a link mailed before PUT /api/me/password is 422 on token after it, and the changed password stays', async () => {
    const s = await newUser()
    const link = await mailedResetToken(t, catcher, s.user.email)
    const changed = await call(t, 'PUT', '/api/me/password', {
      credential: { bearer: s.token },
      body: { current_password: s.password, new_password: NEW_PASSWORD },
    })
    await expectStatus(changed, 204, 'the password change')
    await assertProblem(await confirmReset(t, link, ANOTHER_PASSWORD), 422, {
      fields: ['token'],
      what: 'the link mailed before the change',
    })
    await expectStatus(await signIn(t, s.user.email, NEW_PASSWORD), 200, 'the changed password')
    await assertUnauthorized(await signIn(t, s.user.email, ANOTHER_PASSWORD), 'the password the old link tried')
    await assertSession(t, s, true, 'the session that changed the password')
  })
})
