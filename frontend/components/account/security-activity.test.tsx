import { screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import { accountRoutes } from '@/test/account'
import { json, renderWithAuth, stubApi } from '@/test/auth'
import { describeAction, SecurityActivity } from './security-activity'

vi.mock('next/navigation', () => import('@/test/navigation'))

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

describe('recent security activity', () => {
  it('reads each event as a sentence, with its time, IP and device, newest first', async () => {
    stubApi({ signedIn: true, routes: accountRoutes() })
    await renderWithAuth(<SecurityActivity refreshKey={0} />)

    const items = await screen.findAllByRole('listitem')
    expect(items.map((li) => li.querySelector('p')?.textContent)).toEqual([
      'You changed your password',
      'You signed in',
      'You created your account',
    ])
    expect(items[1]).toHaveTextContent('IP 198.51.100.7')
    expect(items[1]).toHaveTextContent('Safari on iPhone')
    expect(items[1]?.querySelector('time')).toHaveAttribute('datetime', '2026-01-02T09:00:00.000Z')
    expect(items[2]).not.toHaveTextContent('IP')
  })

  it('says when there is nothing yet', async () => {
    stubApi({ signedIn: true, routes: { 'GET /api/me/events?limit=20': () => json(200, { items: [] }) } })
    await renderWithAuth(<SecurityActivity refreshKey={0} />)
    expect(await screen.findByText('Nothing yet.')).toBeVisible()
  })

  it('has a sentence for every action of the contract, and still reads an unknown one', () => {
    expect(describeAction('other_sessions_revoked')).toBe('You signed out all your other sessions')
    expect(describeAction('password_reset')).toBe('Your password was reset with an emailed link')
    expect(describeAction('passkey_added')).toBe('You added a passkey')
    expect(describeAction('webhook_created')).toBe('Security event: webhook created')
  })
})
