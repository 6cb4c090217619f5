import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RESET_TOKEN_TTL_SECONDS, VERIFICATION_TOKEN_TTL_SECONDS } from '../identity/better-auth.js'
import { duration, passwordResetMail, verificationMail } from './messages.js'

describe('duration', () => {
  it('says a lifetime in the largest unit that divides it exactly', () => {
    assert.equal(duration(30 * 60), '30 minutes')
    assert.equal(duration(24 * 3600), '24 hours')
    assert.equal(duration(3600), '1 hour')
    assert.equal(duration(90 * 60), '90 minutes')
    assert.equal(duration(60), '1 minute')
    assert.equal(duration(45), '45 seconds')
    assert.equal(duration(1), '1 second')
  })
})

describe('the mails state the lifetimes their links are given', () => {
  const user = { email: 'ann@example.com' }
  const link = 'http://localhost:3000/x#token=abc'

  it('a password reset mail says its link works for RESET_TOKEN_TTL_SECONDS', () => {
    const mail = passwordResetMail(user, link)
    const said = `works once and for ${duration(RESET_TOKEN_TTL_SECONDS)}.`
    assert.ok(mail.text.includes(said), mail.text)
    assert.ok(mail.html.includes(said), mail.html)
  })

  it('a verification mail says its link is valid for VERIFICATION_TOKEN_TTL_SECONDS', () => {
    const mail = verificationMail(user, link)
    const said = `valid for ${duration(VERIFICATION_TOKEN_TTL_SECONDS)}.`
    assert.ok(mail.text.includes(said), mail.text)
    assert.ok(mail.html.includes(said), mail.html)
  })
})
