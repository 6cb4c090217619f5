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
import SignUpPage from './page'

vi.mock('next/navigation', () => import('@/test/navigation'))

const nav = setUpAuthPageTest('/signup')

async function fillAndSubmit(values: { name?: string; email?: string; password?: string }) {
  const user = userEvent.setup()
  if (values.name) await user.type(screen.getByLabelText('Name'), values.name)
  if (values.email) await user.type(screen.getByLabelText('Email'), values.email)
  if (values.password) await user.type(screen.getByLabelText('Password'), values.password)
  await user.click(screen.getByRole('button', { name: 'Create account' }))
  return user
}

const signupReturns = (respond: () => Response | Promise<Response>) =>
  stubApi({ routes: { 'POST /api/auth/signup': respond } })

describe('sign-up page', () => {
  it('labels every input', async () => {
    stubApi({})
    await renderWithAuth(<SignUpPage />)
    expect(screen.getByLabelText('Name')).toHaveAttribute('autocomplete', 'name')
    expect(screen.getByLabelText('Email')).toHaveAttribute('type', 'email')
    expect(screen.getByLabelText('Email')).toHaveAttribute('autocomplete', 'email')
    expect(screen.getByLabelText('Password')).toHaveAttribute('autocomplete', 'new-password')
  })

  it('shows the password rules before submit and updates the length rule as you type', async () => {
    stubApi({})
    await renderWithAuth(<SignUpPage />)
    const password = screen.getByLabelText('Password')
    const minRule = screen.getByText('At least 8 characters').closest('li')
    const maxRule = screen.getByText('At most 128 characters').closest('li')
    expect(screen.getByText('Not a commonly used password')).toBeVisible()
    expect(minRule).toHaveAttribute('data-state', 'unmet')
    expect(password).toHaveAccessibleDescription(/At least 8 characters \(not yet\)/)

    const user = userEvent.setup()
    await user.type(password, 'abcdefg')
    expect(minRule).toHaveAttribute('data-state', 'unmet')
    await user.type(password, 'h')
    expect(minRule).toHaveAttribute('data-state', 'met')
    expect(minRule).toHaveTextContent('(done)')
    expect(maxRule).toHaveAttribute('data-state', 'met')

    // Code points, not UTF-16 units: four emoji are four characters, not eight.
    await user.clear(password)
    await user.type(password, '😀😀😀😀')
    expect(minRule).toHaveAttribute('data-state', 'unmet')

    await user.clear(password)
    await user.click(password)
    await user.paste('x'.repeat(129))
    expect(maxRule).toHaveAttribute('data-state', 'failed')
    expect(maxRule).toHaveTextContent('(too long)')
  })

  it('shows and hides the password with a labelled button', async () => {
    stubApi({})
    await renderWithAuth(<SignUpPage />)
    const user = userEvent.setup()
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password')
    await user.click(screen.getByRole('button', { name: 'Show password' }))
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'text')
    await user.click(screen.getByRole('button', { name: 'Hide password' }))
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password')
  })

  it('checks only for empty fields itself, without calling the API', async () => {
    const fetchMock = signupReturns(() => json(201, AUTH_RESULT))
    await renderWithAuth(<SignUpPage />)
    await fillAndSubmit({})
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter your email address')
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(/Choose a password/)
    expect(screen.getByLabelText('Email')).toHaveFocus()
    expect(sentBodies(fetchMock, 'POST /api/auth/signup')).toHaveLength(0)
  })

  it('shows every field error from a 422 problem next to its field', async () => {
    signupReturns(() =>
      problem(422, {
        title: 'Unprocessable Content',
        detail: 'The request has invalid fields',
        errors: [
          { field: 'email', message: 'Must be a valid email address' },
          { field: 'password', message: 'This password is too common; choose another' },
          { field: 'name', message: 'Name must be at most 100 characters' },
        ],
      }),
    )
    await renderWithAuth(<SignUpPage />)
    await fillAndSubmit({ name: 'N'.repeat(101), email: 'not-an-email', password: 'password1' })

    const name = screen.getByLabelText('Name')
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'))
    expect(name).toHaveAccessibleDescription(/Name must be at most 100 characters/)
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Must be a valid email address')
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(/This password is too common; choose another/)
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true')
    expect(name).toHaveFocus()
    expect(screen.getByRole('alert')).toHaveTextContent('')
  })

  it('puts "already registered" on the email field with a link to sign in', async () => {
    nav.params = new URLSearchParams({ next: '/account' })
    signupReturns(() => problem(409, { title: 'Conflict', detail: 'An account with this email already exists' }))
    await renderWithAuth(<SignUpPage />)
    await fillAndSubmit({ email: 'ada@example.com', password: 'a long passphrase' })

    const email = screen.getByLabelText('Email')
    await waitFor(() => expect(email).toHaveAccessibleDescription('An account with this email already exists'))
    expect(screen.getByRole('link', { name: 'Sign in instead' })).toHaveAttribute('href', '/signin?next=%2Faccount')
    expect(nav.router.replace).not.toHaveBeenCalled()
  })

  it('says so when rate limited', async () => {
    signupReturns(() => problem(429, { title: 'Too Many Requests' }, { 'retry-after': '60' }))
    await renderWithAuth(<SignUpPage />)
    await fillAndSubmit({ email: 'ada@example.com', password: 'a long passphrase' })
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/too many attempts/i))
    expect(screen.getByRole('button', { name: 'Create account' })).toBeEnabled()
  })

  it('disables submit and says "Creating account…" while pending', async () => {
    const response = deferred()
    signupReturns(() => response.promise)
    await renderWithAuth(<SignUpPage />)
    await fillAndSubmit({ email: 'ada@example.com', password: 'a long passphrase' })

    const button = await screen.findByRole('button', { name: 'Creating account…' })
    expect(button).toBeDisabled()
    expect(button).toHaveAttribute('type', 'submit')
    response.resolve(json(201, AUTH_RESULT))
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
  })

  it('sends the name only when one is given', async () => {
    const fetchMock = signupReturns(() => json(201, AUTH_RESULT))
    await renderWithAuth(<SignUpPage />)
    await fillAndSubmit({ email: 'ada@example.com', password: 'a long passphrase' })
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalled())
    expect(sentBodies(fetchMock, 'POST /api/auth/signup')).toEqual([
      { email: 'ada@example.com', password: 'a long passphrase' },
    ])
  })

  it('goes to a same-site ?next= after signing up', async () => {
    nav.params = new URLSearchParams({ next: '/account?tab=profile' })
    signupReturns(() => json(201, AUTH_RESULT))
    await renderWithAuth(<SignUpPage />)
    await fillAndSubmit({ name: 'Ada', email: 'ada@example.com', password: 'a long passphrase' })
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/account?tab=profile'))
  })

  it.each(['//evil.example', 'https://evil.example/', '/\\evil.example'])(
    'refuses next=%s and goes to /tasks',
    async (next) => {
      nav.params = new URLSearchParams({ next })
      signupReturns(() => json(201, AUTH_RESULT))
      await renderWithAuth(<SignUpPage />)
      // The link to sign-in does not carry the unsafe value either.
      expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin')
      await fillAndSubmit({ email: 'ada@example.com', password: 'a long passphrase' })
      await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
      for (const [target] of nav.router.replace.mock.calls) expect(target).toBe('/tasks')
    },
  )

  it('sends someone already signed in to /tasks', async () => {
    stubApi({ signedIn: true })
    await renderWithAuth(<SignUpPage />)
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
  })

  it('links to sign-in, keeping next', async () => {
    nav.params = new URLSearchParams({ next: '/account' })
    stubApi({})
    await renderWithAuth(<SignUpPage />)
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin?next=%2Faccount')
  })

  it('when the address must be verified first, says to check the email instead of signing in', async () => {
    const fetchMock = stubApi({
      routes: {
        'POST /api/auth/signup': () =>
          json(201, { user: { ...AUTH_RESULT.user, email_verified: false }, verification_required: true }),
        'POST /api/auth/verify-email/resend': () => json(202, { detail: 'sent' }),
      },
    })
    await renderWithAuth(<SignUpPage />)
    const user = await fillAndSubmit({ email: 'ada@example.com', password: 'a long passphrase' })

    expect(await screen.findByText('Check your email to verify your address')).toBeVisible()
    expect(screen.getByText('ada@example.com')).toBeVisible()
    expect(screen.queryByLabelText('Password')).toBeNull()
    expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-out')
    expect(nav.router.replace).not.toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'Resend verification email' }))
    await waitFor(() => expect(sentBodies(fetchMock, 'POST /api/auth/verify-email/resend')).toHaveLength(1))
  })
})
