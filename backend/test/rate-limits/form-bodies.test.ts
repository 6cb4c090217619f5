/**
 * Form bodies on Better Auth's own routes are refused, so none escapes the limits or the
 * password rules.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { eq } from 'drizzle-orm'
import { user } from '../../src/db/schema.js'
import { closeDatabases, startTestApp, type TestApp, uniqueEmail } from '../support/harness.js'

after(closeDatabases)

describe('form bodies on Better Auth’s own routes', () => {
  let t: TestApp
  before(async () => {
    t = await startTestApp('pglite', { RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: '3' })
  })
  after(() => t.close())

  const form = (path: string, fields: Record<string, string>) =>
    t.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.config.publicUrl },
      body: new URLSearchParams(fields).toString(),
    })

  it('are refused with 415, so no sign-in escapes the limits and no sign-up the password rules', async () => {
    const email = uniqueEmail('form')
    for (let i = 0; i < 6; i++) {
      const res = await form('/api/auth/sign-in/email', { email, password: `guess ${i}` })
      assert.equal(res.status, 415)
    }
    const weak = await form('/api/auth/sign-up/email', { email, password: 'a', name: 'Form' })
    assert.equal(weak.status, 415)
    const stored = await t.services.database.db.select().from(user).where(eq(user.email, email))
    assert.equal(stored.length, 0)
  })
})
