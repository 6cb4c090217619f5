import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { closeDatabases, drivers, startTestApp } from './support/harness.js'

after(closeDatabases)

for (const driver of drivers()) {
  describe(`sign-up to sign-out on ${driver}`, () => {
    it('lets a new user call /api/me with the token, and refuses it after sign-out', async () => {
      const t = await startTestApp(driver)
      try {
        const ann = await t.signup()
        const me = await t.get('/api/me', ann.token)
        assert.equal(me.status, 200)
        assert.equal(((await me.json()) as { user: { id: string } }).user.id, ann.user.id)

        const out = await t.fetch('/api/auth/signout', {
          method: 'POST',
          headers: { authorization: `Bearer ${ann.token}` },
        })
        assert.equal(out.status, 204)
        assert.equal((await t.get('/api/me', ann.token)).status, 401)
        assert.equal((await t.get('/api/me', ann.session_token)).status, 401)
      } finally {
        await t.close()
      }
    })
  })
}
