/** Where an ended session sends a tab. */
import { describe, expect, it } from 'vitest'
import { signInAfterEnd } from './live-sync-provider'

describe('signInAfterEnd', () => {
  it('goes to sign-in saying why, and back to the page afterwards', () => {
    expect(signInAfterEnd('revoked', '/tasks?status=pending')).toBe(
      '/signin?ended=revoked&next=%2Ftasks%3Fstatus%3Dpending',
    )
    expect(signInAfterEnd('password_changed', '/account')).toBe('/signin?ended=password_changed&next=%2Faccount')
    expect(signInAfterEnd('expired', '/')).toBe('/signin?ended=expired')
  })

  it('does not offer the way back into a deleted account', () => {
    expect(signInAfterEnd('account_deleted', '/tasks')).toBe('/signin?ended=account_deleted')
  })

  it('says nothing after a sign-out in another tab of this browser', () => {
    expect(signInAfterEnd('local', '/tasks')).toBe('/signin')
  })
})
