import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import { renderWithAuth, stubApi, USER } from '@/test/auth'
import AccountPage from './page'

const nav = vi.hoisted(() => ({
  router: { replace: vi.fn(), push: vi.fn(), prefetch: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn() },
}))

vi.mock('next/navigation', () => ({
  useRouter: () => nav.router,
  usePathname: () => '/account',
  useSearchParams: () => new URLSearchParams(),
}))

beforeEach(() => nav.router.replace.mockClear())

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

describe('account page', () => {
  it('sends a signed-out visitor to sign in, coming back here afterwards', async () => {
    stubApi({})
    await renderWithAuth(<AccountPage />)
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/signin?next=%2Faccount'))
    expect(screen.queryByText(USER.email)).toBeNull()
  })

  it('shows the email, name and member-since date', async () => {
    stubApi({ signedIn: true })
    await renderWithAuth(<AccountPage />)
    expect(screen.getByRole('heading', { level: 1, name: 'Account' })).toBeVisible()
    expect(screen.getByText(USER.email)).toBeVisible()
    expect(screen.getByText(USER.name)).toBeVisible()
    const since = screen.getByText(
      new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }).format(new Date(USER.created_at)),
    )
    expect(since.tagName).toBe('TIME')
    expect(since).toHaveAttribute('datetime', USER.created_at)
  })

  it('signs out and goes to /signin', async () => {
    const fetchMock = stubApi({ signedIn: true })
    await renderWithAuth(<AccountPage />)
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign out' }))

    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/signin'))
    expect(fetchMock.mock.calls.some(([url, init]) => url === '/api/auth/signout' && init?.method === 'POST')).toBe(
      true,
    )
    expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-out')
    // Not bounced back here after the next sign-in.
    expect(nav.router.replace).toHaveBeenCalledTimes(1)
  })
})
