/**
 * The password policy (NIST SP 800-63B; README "PASSWORD_MIN_LENGTH"): lengths in Unicode code
 * points after NFKC, at most 128, nothing truncated, and the most common passwords refused.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hashPassword, normalizePassword, PASSWORD_MAX_LENGTH, passwordProblem, verifyPassword } from './password.js'

const MIN = 8
/** A password of `n` code points that is on no block list. */
const passwordOf = (n: number) => Array.from({ length: n }, (_, i) => 'zq7xw3vj9kp2'[(i * 5) % 12]).join('')

describe('password length', () => {
  it('accepts the minimum and the maximum, refuses one fewer and one more', () => {
    assert.equal(PASSWORD_MAX_LENGTH, 128)
    assert.equal(passwordProblem(passwordOf(MIN), MIN), undefined)
    assert.equal(passwordProblem(passwordOf(PASSWORD_MAX_LENGTH), MIN), undefined)
    assert.match(passwordProblem(passwordOf(MIN - 1), MIN) ?? '', /at least 8/)
    assert.match(passwordProblem(passwordOf(PASSWORD_MAX_LENGTH + 1), MIN) ?? '', /at most 128/)
  })

  it('counts code points, not UTF-16 units: 8 emoji are 8 characters, 128 are not too many', () => {
    assert.equal('😀'.repeat(8).length, 16)
    assert.equal(passwordProblem('😀'.repeat(8), MIN), undefined)
    assert.equal(passwordProblem('😀'.repeat(PASSWORD_MAX_LENGTH), MIN), undefined)
    assert.ok(passwordProblem('😀'.repeat(7), MIN))
    assert.ok(passwordProblem('😀'.repeat(PASSWORD_MAX_LENGTH + 1), MIN))
  })

  it('counts after NFKC: a ligature is as long as the letters it stands for', () => {
    // U+FB03 "ﬃ" is one code point, "ffi" (three) after NFKC.
    assert.equal(passwordProblem('ﬃ'.repeat(3), MIN), undefined, '3 ligatures are 9 letters')
    assert.ok(passwordProblem('ﬃ'.repeat(43), MIN), '43 ligatures are 129 letters')
  })

  it('takes the minimum it is given', () => {
    assert.ok(passwordProblem(passwordOf(14), 15))
    assert.equal(passwordProblem(passwordOf(15), 15), undefined)
  })
})

describe('the common-password block list', () => {
  it('refuses passwords on the list, whatever their case', () => {
    for (const common of ['password', '12345678', 'football', 'qwertyuiop', 'trustno1', 'sunshine', 'password123']) {
      assert.match(passwordProblem(common, MIN) ?? '', /too common/, common)
      assert.match(passwordProblem(common.toUpperCase(), MIN) ?? '', /too common/, common.toUpperCase())
    }
    assert.match(passwordProblem('ILoveYou1', MIN) ?? '', /too common/)
  })

  it('refuses a listed password written in full-width letters (NFKC makes them plain)', () => {
    assert.match(passwordProblem('ｆｏｏｔｂａｌｌ', MIN) ?? '', /too common/)
  })

  it('accepts a password that is not on it', () => {
    assert.equal(passwordProblem('a sturdy passphrase 42', MIN), undefined)
  })
})

describe('normalisation and hashing', () => {
  it('normalises to NFKC', () => {
    assert.equal(normalizePassword('ﬃ'), 'ffi')
    assert.equal(normalizePassword('e\u0301'), 'é')
  })

  it('verifies the password hashed and its other Unicode forms, nothing else, and never throws', async () => {
    const stored = await hashPassword('caf\u00e9 au lait 42')
    assert.match(stored, /^\$argon2id\$/)
    assert.equal(await verifyPassword({ hash: stored, password: 'caf\u00e9 au lait 42' }), true)
    assert.equal(await verifyPassword({ hash: stored, password: 'cafe\u0301 au lait 42' }), true, 'NFD form')
    assert.equal(await verifyPassword({ hash: stored, password: 'cafe au lait 42' }), false)
    assert.equal(await verifyPassword({ hash: 'not a hash', password: 'x' }), false)
  })
})
