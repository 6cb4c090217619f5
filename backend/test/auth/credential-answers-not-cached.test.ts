/**
 * Answers that carry credentials (an access token, a session token) are never stored by a cache
 * on the way (RFC 9111 `no-store`), at every door that signs in.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { call, freshClient } from '../support/clients.js'
import { describeWithApp, STRONG_PASSWORD, uniqueEmail } from '../support/harness.js'

describeWithApp('answers with credentials are not cached', {}, (t) => {
  it('sign-up and sign-in, ours and Better Auth’s, answer with Cache-Control: no-store', async () => {
    const email = uniqueEmail('nostore')
    const browser = { origin: t.config.publicUrl }
    const answers = [
      ['signup', await call(t, 'POST', '/api/auth/signup', { body: { email, password: STRONG_PASSWORD } })],
      ['signin', await call(t, 'POST', '/api/auth/signin', { body: { email, password: STRONG_PASSWORD } })],
      [
        'sign-in/email',
        await call(t, 'POST', '/api/auth/sign-in/email', {
          body: { email, password: STRONG_PASSWORD },
          headers: browser,
          client: freshClient(),
        }),
      ],
      [
        'sign-up/email',
        await call(t, 'POST', '/api/auth/sign-up/email', {
          body: { email: uniqueEmail('nostore-ba'), password: STRONG_PASSWORD, name: 'Nell' },
          headers: browser,
        }),
      ],
    ] as const
    for (const [what, res] of answers) {
      assert.ok(res.status < 300, `${what}: ${res.status} ${await res.text()}`)
      assert.equal(res.headers.get('cache-control'), 'no-store', what)
    }
  })

  it('answers a method Better Auth has no route for with a problem document, not a bare 404', async () => {
    const res = await call(t, 'POST', '/api/auth/token', { body: {} })
    assert.ok(res.status === 404 || res.status === 405, String(res.status))
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/)
  })
})
