import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Secret } from 'otpauth'
import { codeAtStep, newTotpSecret, otpauthUri, stepOfCode, timeStep } from './totp.js'

/** RFC 6238 Appendix B's SHA-1 secret, "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'

describe('TOTP', () => {
  it("gives RFC 6238's test vectors (SHA-1, last 6 of the 8 digits)", () => {
    assert.equal(codeAtStep(RFC_SECRET, timeStep(59_000)), '287082')
    assert.equal(codeAtStep(RFC_SECRET, timeStep(1_111_111_109_000)), '081804')
    assert.equal(codeAtStep(RFC_SECRET, timeStep(2_000_000_000_000)), '279037')
  })

  it('places a code in its step, within one step either side of now and no further', () => {
    const now = 1_111_111_109_000
    const step = timeStep(now)
    for (const delta of [-1, 0, 1])
      assert.equal(stepOfCode(RFC_SECRET, codeAtStep(RFC_SECRET, step + delta), now), step + delta)
    for (const delta of [-2, 2]) assert.equal(stepOfCode(RFC_SECRET, codeAtStep(RFC_SECRET, step + delta), now), null)
  })

  it('makes 20-byte secrets in upper-case base32 without padding, never the same twice', () => {
    const secrets = new Set(Array.from({ length: 50 }, newTotpSecret))
    assert.equal(secrets.size, 50)
    for (const secret of secrets) {
      assert.match(secret, /^[A-Z2-7]{32}$/)
      assert.equal(Secret.fromBase32(secret).bytes.length, 20)
    }
  })

  it('writes the Key URI Format with the label percent-encoded', () => {
    assert.equal(
      otpauthUri('ann+tasks@example.com', 'ABC'),
      'otpauth://totp/Taskwell:ann%2Btasks%40example.com?secret=ABC&issuer=Taskwell&algorithm=SHA1&digits=6&period=30',
    )
  })
})
