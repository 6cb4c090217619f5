import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeSessionCursor, encodeSessionCursor } from './session-cursor.js'

describe('session list cursors', () => {
  it('give back the position they were made from', () => {
    const position = { lastUsedAt: '2026-12-07T10:11:12.345Z', id: 'abc_DEF-123' }
    assert.deepEqual(decodeSessionCursor(encodeSessionCursor(position)), position)
  })

  it('refuse what we did not make (no database error can follow)', () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const text of [
      'not base64 json',
      forged(['2026-12-07T10:11:12.345Z']),
      forged(['2026-12-07T10:11:12.345Z', 7]),
      forged(['2026-12-07T10:11:12.345Z', 'a\u0000b']),
      forged(['yesterday', 'id']),
      forged(['2026-12-07T10:11:12Z', 'id']),
      forged(['0000-01-01T00:00:00.000Z', 'id']),
      forged({ lastUsedAt: '2026-12-07T10:11:12.345Z', id: 'x' }),
    ]) {
      assert.equal(decodeSessionCursor(text), undefined, text)
    }
  })
})
