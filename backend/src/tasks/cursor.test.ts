import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeCursor, encodeCursor } from './cursor.js'

describe('task list cursor', () => {
  it('round-trips the position it was made for', () => {
    const cursor = { sort: 'due_at', order: 'asc', key: null, id: 'abc' } as const
    assert.deepEqual(decodeCursor(encodeCursor(cursor), 'due_at', 'asc'), cursor)
  })

  it('is refused for another sort or order', () => {
    const text = encodeCursor({ sort: 'title', order: 'asc', key: 'a', id: 'x' })
    assert.equal(decodeCursor(text, 'title', 'desc'), undefined)
    assert.equal(decodeCursor(text, 'created_at', 'asc'), undefined)
  })

  it('is refused when tampered or garbage', () => {
    assert.equal(decodeCursor('not-a-cursor', 'created_at', 'desc'), undefined)
    const forged = Buffer.from(JSON.stringify(['priority', 'desc', 7, 'x'])).toString('base64url')
    assert.equal(decodeCursor(forged, 'priority', 'desc'), undefined)
    const badDate = Buffer.from(JSON.stringify(['created_at', 'desc', 'yesterday', 'x'])).toString('base64url')
    assert.equal(decodeCursor(badDate, 'created_at', 'desc'), undefined)
  })
})
