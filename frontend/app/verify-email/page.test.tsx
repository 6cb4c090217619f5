import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { json, problem, renderWithAuth, sentBodies, setUpAuthPageTest, stubApi, USER } from '@/test/auth'
import VerifyEmailPage from './page'

vi.mock('next/navigation', () => import('@/test/navigation'))

setUpAuthPageTest('/verify-email')

afterEach(() => window.history.replaceState(null, '', '/'))

const openLink = (hash: string) => window.history.replaceState(null, '', `/verify-email${hash}`)

const verified = () => json(200, { user: { ...USER, email_verified: true } })
const invalidToken = () =>
  problem(422, {
    title: 'Unprocessable Content',
    detail: 'The request has invalid fields',
    errors: [{ field: 'token', message: 'This link is invalid or has expired' }],
  })

describe('verify-email page', () => {
  it('posts the token from the #fragment, takes it out of the address bar and says the address is verified', async () => {
    openLink('#token=verify-abc')
    const fetchMock = stubApi({ routes: { 'POST /api/auth/verify-email': verified } })
    await renderWithAuth(<VerifyEmailPage />)

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Your email address is verified'))
    expect(sentBodies(fetchMock, 'POST /api/auth/verify-email')).toEqual([{ token: 'verify-abc' }])
    expect(window.location.hash).toBe('')
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin')
  })

  it('when signed in, reloads the user so the account page shows the address as verified', async () => {
    openLink('#token=verify-abc')
    let verifiedYet = false
    const fetchMock = stubApi({
      signedIn: true,
      routes: {
        'GET /api/me': () => json(200, { user: { ...USER, email_verified: verifiedYet } }),
        'POST /api/auth/verify-email': () => {
          verifiedYet = true
          return verified()
        },
      },
    })
    await renderWithAuth(<VerifyEmailPage />)

    await waitFor(() => expect(screen.getByRole('link', { name: 'Go to your tasks' })).toBeVisible())
    await waitFor(() => expect(fetchMock.mock.calls.filter(([url]) => url === '/api/me')).toHaveLength(2))
  })

  it('says a bad or expired link is invalid, and offers a new one to a signed-in user', async () => {
    openLink('#token=expired')
    const fetchMock = stubApi({
      signedIn: true,
      routes: {
        'GET /api/me': () => json(200, { user: { ...USER, email_verified: false } }),
        'POST /api/auth/verify-email': invalidToken,
        'POST /api/auth/verify-email/resend': () => json(202, { detail: 'sent' }),
      },
    })
    await renderWithAuth(<VerifyEmailPage />)

    expect(await screen.findByText('This link is invalid or has expired.')).toHaveAttribute('role', 'alert')
    await userEvent.setup().click(screen.getByRole('button', { name: 'Resend verification email' }))
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/we sent a new link/))
    expect(sentBodies(fetchMock, 'POST /api/auth/verify-email/resend')).toEqual([{ email: USER.email }])
  })

  it('a link without a token is invalid without asking the API', async () => {
    openLink('')
    const fetchMock = stubApi({})
    await renderWithAuth(<VerifyEmailPage />)
    expect(await screen.findByRole('alert')).toHaveTextContent('This link is invalid or has expired')
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin?next=%2Faccount')
    expect(sentBodies(fetchMock, 'POST /api/auth/verify-email')).toHaveLength(0)
  })

  it('offers to try again when the API cannot be reached', async () => {
    openLink('#token=verify-abc')
    let calls = 0
    stubApi({
      routes: {
        'POST /api/auth/verify-email': () => {
          calls += 1
          return calls === 1 ? problem(503, { title: 'Service Unavailable' }, { 'retry-after': '5' }) : verified()
        },
      },
    })
    await renderWithAuth(<VerifyEmailPage />)
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/try again/i))
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Your email address is verified'))
  })
})
