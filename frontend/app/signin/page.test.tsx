import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import {
  AUTH_RESULT,
  deferred,
  json,
  problem,
  renderWithAuth,
  sentBodies,
  setUpAuthPageTest,
  stubApi,
} from '@/test/auth'
import SignInPage from './page'

vi.mock('next/navigation', () => import('@/test/navigation'))

const nav = setUpAuthPageTest('/signin')

const signinReturns = (respond: () => Response | Promise<Response>) =>
  stubApi({ routes: { 'POST /api/auth/signin': respond } })

async function signIn(email: string, password: string, submit: 'click' | 'enter' = 'click') {
  const user = userEvent.setup()
  await user.type(screen.getByLabelText('Email'), email)
  await user.type(screen.getByLabelText('Password'), password)
  if (submit === 'enter') await user.keyboard('{Enter}')
  else await user.click(screen.getByRole('button', { name: 'Sign in' }))
  return user
}

const invalid = () =>
  problem(401, { title: 'Unauthorized', detail: 'Invalid email or password' }, { 'www-authenticate': 'Bearer' })

describe('sign-in page', () => {
  it('labels its inputs and fills them in for password managers', async () => {
    stubApi({})
    await renderWithAuth(<SignInPage />)
    expect(screen.getByLabelText('Email')).toHaveAttribute('type', 'email')
    expect(screen.getByLabelText('Email')).toHaveAttribute('autocomplete', 'email')
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password')
    expect(screen.getByLabelText('Password')).toHaveAttribute('autocomplete', 'current-password')
    expect(screen.getByRole('button', { name: 'Show password' })).toHaveAttribute('type', 'button')
  })

  it('shows the generic error for a 401, keeps the email and clears the password', async () => {
    signinReturns(invalid)
    await renderWithAuth(<SignInPage />)
    await signIn('ada@example.com', 'wrong password')

    const alert = screen.getByRole('alert')
    await waitFor(() => expect(alert).toHaveTextContent('Invalid email or password'))
    expect(alert).toHaveAttribute('aria-live', 'assertive')
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com')
    expect(screen.getByLabelText('Password')).toHaveValue('')
    expect(screen.getByLabelText('Password')).toHaveFocus()
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled()
    expect(nav.router.replace).not.toHaveBeenCalled()
  })

  it('submits with Enter, disables the button and says "Signing in…" while pending', async () => {
    const response = deferred()
    const fetchMock = signinReturns(() => response.promise)
    await renderWithAuth(<SignInPage />)
    await signIn('Ada@Example.com', 'correct horse', 'enter')

    const button = await screen.findByRole('button', { name: 'Signing in…' })
    expect(button).toBeDisabled()
    expect(sentBodies(fetchMock, 'POST /api/auth/signin')).toEqual([
      { email: 'Ada@Example.com', password: 'correct horse' },
    ])
    response.resolve(json(200, AUTH_RESULT))
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
  })

  it('goes to a same-site ?next= after signing in', async () => {
    nav.params = new URLSearchParams({ next: '/account' })
    signinReturns(() => json(200, AUTH_RESULT))
    await renderWithAuth(<SignInPage />)
    await signIn('ada@example.com', 'correct horse')
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/account'))
  })

  it('refuses a //evil next', async () => {
    nav.params = new URLSearchParams({ next: '//evil.example/tasks' })
    signinReturns(() => json(200, AUTH_RESULT))
    await renderWithAuth(<SignInPage />)
    await signIn('ada@example.com', 'correct horse')
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
    for (const [target] of nav.router.replace.mock.calls) expect(target).toBe('/tasks')
  })

  it('shows field errors from a 422 inline', async () => {
    signinReturns(() =>
      problem(422, {
        title: 'Unprocessable Content',
        detail: 'The request has invalid fields',
        errors: [{ field: 'email', message: 'Must be a valid email address' }],
      }),
    )
    await renderWithAuth(<SignInPage />)
    await signIn('ada', 'correct horse')
    const email = screen.getByLabelText('Email')
    await waitFor(() => expect(email).toHaveAccessibleDescription('Must be a valid email address'))
    expect(email).toHaveAttribute('aria-invalid', 'true')
    expect(email).toHaveFocus()
  })

  it('says so when rate limited', async () => {
    signinReturns(() => problem(429, { title: 'Too Many Requests' }, { 'retry-after': '900' }))
    await renderWithAuth(<SignInPage />)
    await signIn('ada@example.com', 'correct horse')
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/too many attempts/i))
  })

  it('asks for empty fields without calling the API', async () => {
    const fetchMock = signinReturns(invalid)
    await renderWithAuth(<SignInPage />)
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in' }))
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter your email address')
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password')
    expect(sentBodies(fetchMock, 'POST /api/auth/signin')).toHaveLength(0)
  })

  it('sends someone already signed in to /tasks', async () => {
    stubApi({ signedIn: true })
    await renderWithAuth(<SignInPage />)
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
  })

  it('links to sign-up, keeping next', async () => {
    nav.params = new URLSearchParams({ next: '/tasks?view=today' })
    stubApi({})
    await renderWithAuth(<SignInPage />)
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute(
      'href',
      '/signup?next=%2Ftasks%3Fview%3Dtoday',
    )
  })

  it('links to the forgot-password page', async () => {
    stubApi({})
    await renderWithAuth(<SignInPage />)
    expect(screen.getByRole('link', { name: 'Forgot password?' })).toHaveAttribute('href', '/forgot-password')
  })

  it('on 403 EMAIL_NOT_VERIFIED explains and resends the link to the typed address', async () => {
    const fetchMock = stubApi({
      routes: {
        'POST /api/auth/signin': () =>
          problem(403, { title: 'Forbidden', detail: 'Verify your email address first', code: 'EMAIL_NOT_VERIFIED' }),
        'POST /api/auth/verify-email/resend': () => json(202, { detail: 'sent' }),
      },
    })
    await renderWithAuth(<SignInPage />)
    const user = await signIn(' Ada@Example.com ', 'correct horse')

    expect(await screen.findByText(/Verify your email address to sign in/)).toHaveTextContent('Ada@Example.com')
    await user.click(screen.getByRole('button', { name: 'Resend verification email' }))
    // The page's own status stays empty; the resend button's status says it.
    expect(await screen.findByText(/we sent a new link/)).toHaveAttribute('role', 'status')
    expect(sentBodies(fetchMock, 'POST /api/auth/verify-email/resend')).toEqual([{ email: 'Ada@Example.com' }])
    expect(nav.router.replace).not.toHaveBeenCalled()
  })

  it('says the account was deleted when it comes from deleting one', async () => {
    nav.params = new URLSearchParams({ deleted: '1' })
    stubApi({})
    await renderWithAuth(<SignInPage />)
    expect(screen.getByRole('status')).toHaveTextContent('Your account and all its tasks have been deleted.')
  })

  it.each([
    ['signed_out', 'You were signed out on another device'],
    ['revoked', 'You were signed out on another device'],
    ['password_changed', 'Your password was changed; sign in again'],
    ['password_reset', 'Your password was changed; sign in again'],
    ['account_deleted', 'This account was deleted'],
    ['expired', 'Your session expired'],
  ])('says why the session ended (live sync, ?ended=%s), in a region read out when it fills', async (reason, text) => {
    nav.params = new URLSearchParams({ ended: reason, next: '/tasks' })
    stubApi({})
    await renderWithAuth(<SignInPage />)
    const status = screen.getByRole('status')
    expect(status).toHaveAttribute('aria-live', 'polite')
    await waitFor(() => expect(status).toHaveTextContent(text))
  })

  it('says nothing for an ended reason it does not know', async () => {
    nav.params = new URLSearchParams({ ended: 'hacked-by-me' })
    stubApi({})
    await renderWithAuth(<SignInPage />)
    expect(screen.getByRole('status')).toHaveTextContent('')
  })
})
