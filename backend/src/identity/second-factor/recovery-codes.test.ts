import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeHasher } from './recovery-codes.js'

describe('recovery codes', () => {
  it('come 10 to a set as xxxxx-xxxxx of [a-z0-9], all different', () => {
    const codes = newRecoveryCodes()
    assert.equal(codes.length, 10)
    assert.equal(new Set(codes).size, 10)
    for (const code of codes) assert.match(code, /^[a-z0-9]{5}-[a-z0-9]{5}$/)
  })

  it('are read ignoring case, hyphens and spaces, and anything else is no code', () => {
    assert.equal(normaliseRecoveryCode(' ABCDE-12345 '), 'abcde12345')
    assert.equal(normaliseRecoveryCode('abc de-123 45'), 'abcde12345')
    for (const bad of ['abcde-1234', 'abcde-123456', 'abcde_12345', 'äbcde-12345', '']) {
      assert.equal(normaliseRecoveryCode(bad), null, bad)
    }
  })

  it('are hashed under a key: the same code gives another hash under another secret', () => {
    const a = recoveryCodeHasher('secret-a-that-is-long-enough-for-us-0000')
    const b = recoveryCodeHasher('secret-b-that-is-long-enough-for-us-0000')
    assert.equal(a('abcde12345'), a('abcde12345'))
    assert.notEqual(a('abcde12345'), b('abcde12345'))
    assert.notEqual(a('abcde12345'), a('abcde12346'))
  })
})
