/**
 * Which client IP a limit counts: the trusted proxy's X-Forwarded-For, never an untrusted
 * peer's or a client-sent internal header.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { session as sessionTable } from '../../src/db/schema.js'
import { WRONG_PASSWORD } from '../support/account.js'
import { freshIp } from '../support/clients.js'
import { describeWithApp, STRONG_PASSWORD, sessionCookie, startTestApp, uniqueEmail } from '../support/harness.js'
import { BEHIND_PROXY, canBind, freshLoopback, fromPeer, LIMITS, newAccount } from './support.js'

describeWithApp('rate limits', BEHIND_PROXY, (t, driver) => {
  it('records the client IP from the trusted proxy on the session, ignoring a client-sent internal header', async () => {
    const email = await newAccount(t)
    const ip = freshIp()
    for (const path of ['/api/auth/signin', '/api/auth/sign-in/email']) {
      const res = await t.post(
        path,
        { email, password: STRONG_PASSWORD },
        {
          headers: {
            'x-forwarded-for': `198.51.100.7, ${ip}`,
            'x-taskwell-client-ip': '192.0.2.66',
            origin: t.config.publicUrl,
          },
        },
      )
      assert.equal(res.status, 200)
      // A browser's request (it has an Origin): the session is in the cookie alone (decision 017).
      const signed = decodeURIComponent(sessionCookie(res).split('=')[1] ?? '')
      const [row] = await t.services.database.db
        .select({ ip: sessionTable.ipAddress })
        .from(sessionTable)
        .where(eq(sessionTable.token, signed.split('.')[0] as string))
      assert.equal(row?.ip, ip, `${path} stores the rightmost untrusted hop`)
    }
  })

  describe('X-Forwarded-For from an untrusted peer is ignored', () => {
    let loopbackUsable = false
    before(async () => {
      loopbackUsable = await canBind(freshLoopback())
    })

    it('without TRUSTED_PROXIES, rotating X-Forwarded-For does not escape the sign-up limit', async (ctx) => {
      if (!loopbackUsable) return ctx.skip('this system cannot bind 127.x.y.z client addresses')
      const u = await startTestApp(driver, LIMITS)
      try {
        const peer = freshLoopback()
        for (let i = 1; i <= 3; i++) {
          const res = await fromPeer(u, peer, '/api/auth/signup', {
            email: uniqueEmail('rl'),
            password: STRONG_PASSWORD,
          })
          assert.equal(res.status, 201, `sign-up ${i}: ${res.text}`)
        }
        const res = await fromPeer(u, peer, '/api/auth/signup', {
          email: uniqueEmail('rl'),
          password: STRONG_PASSWORD,
        })
        assert.equal(res.status, 429, res.text)
        assert.match(res.headers['retry-after'] as string, /^\d+$/)
        // Another socket address is another client.
        const other = await fromPeer(u, freshLoopback(), '/api/auth/signup', {
          email: uniqueEmail('rl'),
          password: STRONG_PASSWORD,
        })
        assert.equal(other.status, 201, other.text)
      } finally {
        await u.close()
      }
    })

    it('without TRUSTED_PROXIES, rotating X-Forwarded-For does not escape the per-IP sign-in limit', async (ctx) => {
      if (!loopbackUsable) return ctx.skip('this system cannot bind 127.x.y.z client addresses')
      const u = await startTestApp(driver, LIMITS)
      try {
        const peer = freshLoopback()
        for (let i = 1; i <= 5; i++) {
          const res = await fromPeer(u, peer, '/api/auth/signin', {
            email: uniqueEmail('nobody'),
            password: WRONG_PASSWORD,
          })
          assert.equal(res.status, 401, `failure ${i}: ${res.text}`)
        }
        const res = await fromPeer(u, peer, '/api/auth/sign-in/email', {
          email: uniqueEmail('nobody'),
          password: WRONG_PASSWORD,
        })
        assert.equal(res.status, 429, res.text)
      } finally {
        await u.close()
      }
    })

    it('with TRUSTED_PROXIES, a peer that is not one of them cannot pick its IP either', async (ctx) => {
      if (!loopbackUsable) return ctx.skip('this system cannot bind 127.x.y.z client addresses')
      const peer = freshLoopback() // not 127.0.0.1, so not trusted
      for (let i = 1; i <= 3; i++) {
        const res = await fromPeer(t, peer, '/api/auth/signup', {
          email: uniqueEmail('rl'),
          password: STRONG_PASSWORD,
        })
        assert.equal(res.status, 201, `sign-up ${i}: ${res.text}`)
      }
      const res = await fromPeer(t, peer, '/api/auth/sign-up/email', {
        email: uniqueEmail('rl'),
        password: STRONG_PASSWORD,
        name: 'Rate Test',
      })
      assert.equal(res.status, 429, res.text)
    })
  })
})
