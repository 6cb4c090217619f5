/** What each stream event means to the web app, and what the sign-in page says about an ended session. */
import { describe, expect, it } from 'vitest'
import { endedMessage, parseSyncEvent } from './events'

const task = {
  id: 't1',
  user_id: 'u1',
  title: 'Buy milk',
  description: '',
  completed: false,
  priority: 'medium',
  tags: [],
  due_at: null,
  completed_at: null,
  created_at: '2026-12-07T08:00:00.000Z',
  updated_at: '2026-12-07T08:00:00.000Z',
}

describe('parseSyncEvent', () => {
  it('reads each event of the contract', () => {
    const read = (name: string, data: unknown) => parseSyncEvent(name, JSON.stringify(data))
    expect(read('ready', { user_id: 'u1', heartbeat_seconds: 15, expires_at: null })).toEqual({ type: 'ready' })
    expect(read('task.created', { task })).toEqual({ type: 'task.created', task })
    expect(read('task.updated', { task })).toEqual({ type: 'task.updated', task })
    expect(read('task.deleted', { id: 't1' })).toEqual({ type: 'task.deleted', id: 't1' })
    expect(read('tasks.changed', {})).toEqual({ type: 'refetch' })
    expect(read('resync', { reason: 'too_old' })).toEqual({ type: 'refetch' })
    expect(read('session.revoked', { reason: 'password_reset' })).toEqual({ type: 'end', reason: 'password_reset' })
    expect(read('account.deleted', {})).toEqual({ type: 'end', reason: 'account_deleted' })
    expect(read('token.expired', { expires_at: '2026-12-07T09:00:00Z' })).toEqual({ type: 'token.expired' })
  })

  it('drops what it cannot read rather than act on it', () => {
    expect(parseSyncEvent('task.created', '{not json')).toBeNull()
    expect(parseSyncEvent('task.created', JSON.stringify({ task: { id: 't1' } }))).toBeNull()
    expect(parseSyncEvent('task.deleted', JSON.stringify({ id: 7 }))).toBeNull()
    expect(parseSyncEvent('task.moved', JSON.stringify({}))).toBeNull()
    expect(parseSyncEvent('ready', JSON.stringify([1]))).toBeNull()
  })
})

describe('endedMessage', () => {
  it('says why the session ended, in the words of the issue', () => {
    expect(endedMessage('signed_out')).toBe('You were signed out on another device')
    expect(endedMessage('revoked')).toBe('You were signed out on another device')
    expect(endedMessage('password_changed')).toBe('Your password was changed; sign in again')
    expect(endedMessage('password_reset')).toBe('Your password was changed; sign in again')
    expect(endedMessage('account_deleted')).toBe('This account was deleted')
    expect(endedMessage('expired')).toBe('Your session expired')
  })

  it('says nothing for a sign-out in this browser or a reason it does not know (the URL is hand-editable)', () => {
    for (const reason of ['local', null, '', '<script>']) expect(endedMessage(reason)).toBeUndefined()
  })
})
