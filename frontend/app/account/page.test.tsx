import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import { accountRoutes } from '@/test/account'
import { json, problem, renderWithAuth, sentBodies, stubApi, USER } from '@/test/auth'
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
    stubApi({ signedIn: true, routes: accountRoutes() })
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
    const fetchMock = stubApi({ signedIn: true, routes: accountRoutes() })
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

  it('shows a verified address as verified, with nothing to do', async () => {
    stubApi({ signedIn: true, routes: accountRoutes() })
    await renderWithAuth(<AccountPage />)
    expect(screen.getByText('Verified')).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Resend verification email' })).toBeNull()
  })

  it('offers to resend the link for an unverified address', async () => {
    const fetchMock = stubApi({
      signedIn: true,
      routes: {
        ...accountRoutes(),
        'GET /api/me': () => json(200, { user: { ...USER, email_verified: false } }),
        'POST /api/auth/verify-email/resend': () => json(202, { detail: 'sent' }),
      },
    })
    await renderWithAuth(<AccountPage />)
    expect(screen.getByText('Not verified')).toBeVisible()
    await userEvent.setup().click(screen.getByRole('button', { name: 'Resend verification email' }))
    await waitFor(() => expect(screen.getByText(/we sent a new link/)).toHaveAttribute('role', 'status'))
    expect(sentBodies(fetchMock, 'POST /api/auth/verify-email/resend')).toEqual([{ email: USER.email }])
  })

  it('has a two-factor and a passkeys section, after the password and before the sessions', async () => {
    stubApi({ signedIn: true, routes: accountRoutes() })
    await renderWithAuth(<AccountPage />)
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)
    expect(headings.slice(headings.indexOf('Change your password'), headings.indexOf('Sessions') + 1)).toEqual([
      'Change your password',
      'Two-factor authentication',
      'Passkeys',
      'Sessions',
    ])
    const twoFactor = screen.getByRole('region', { name: 'Two-factor authentication' })
    expect(await within(twoFactor).findByText('Off')).toBeVisible()
    const passkeys = screen.getByRole('region', { name: 'Passkeys' })
    expect(await within(passkeys).findByText('No passkeys yet.')).toBeVisible()
  })

  describe('deleting the account', () => {
    const deleteReturns = (respond: () => Response) =>
      stubApi({ signedIn: true, routes: { ...accountRoutes(), 'DELETE /api/me': respond } })

    it('needs the password and an explicit confirmation before asking the API', async () => {
      const fetchMock = deleteReturns(() => new Response(null, { status: 204 }))
      await renderWithAuth(<AccountPage />)
      await userEvent.setup().click(screen.getByRole('button', { name: 'Delete my account' }))
      expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password')
      expect(screen.getByRole('checkbox', { name: /will be deleted for good/ })).toHaveAccessibleDescription(
        'Tick this box to confirm',
      )
      expect(sentBodies(fetchMock, 'DELETE /api/me')).toHaveLength(0)
    })

    it('shows a wrong password next to the field', async () => {
      deleteReturns(() =>
        problem(422, {
          title: 'Unprocessable Content',
          detail: 'The request has invalid fields',
          errors: [{ field: 'password', message: 'Password is incorrect' }],
        }),
      )
      await renderWithAuth(<AccountPage />)
      const user = userEvent.setup()
      await user.type(screen.getByLabelText('Password'), 'not my password')
      await user.click(screen.getByRole('checkbox', { name: /will be deleted for good/ }))
      await user.click(screen.getByRole('button', { name: 'Delete my account' }))
      await waitFor(() =>
        expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password is incorrect'),
      )
      expect(nav.router.replace).not.toHaveBeenCalled()
    })

    it('deletes, signs this tab out and goes to the deleted notice', async () => {
      const fetchMock = deleteReturns(() => new Response(null, { status: 204 }))
      await renderWithAuth(<AccountPage />)
      const user = userEvent.setup()
      await user.type(screen.getByLabelText('Password'), 'correct horse')
      await user.click(screen.getByRole('checkbox', { name: /will be deleted for good/ }))
      await user.click(screen.getByRole('button', { name: 'Delete my account' }))

      await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/signin?deleted=1'))
      expect(sentBodies(fetchMock, 'DELETE /api/me')).toEqual([{ password: 'correct horse' }])
      expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-out')
      expect(nav.router.replace).toHaveBeenCalledTimes(1)
    })
  })
})
