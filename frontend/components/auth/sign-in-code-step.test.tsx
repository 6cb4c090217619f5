import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  AUTH_RESULT,
  deferred,
  json,
  MFA_REQUIRED,
  problem,
  renderWithAuth,
  sentBodies,
  setUpAuthPageTest,
  stubApi,
} from '@/test/auth'
import { resetWebAuthn } from '@/test/webauthn'
import { SignInScreen } from './sign-in-screen'

vi.mock('next/navigation', () => import('@/test/navigation'))
vi.mock('@simplewebauthn/browser', () => import('@/test/webauthn'))

const nav = setUpAuthPageTest('/signin')
beforeEach(resetWebAuthn)

const unauthorized = (code: string, detail: string) =>
  problem(401, { title: 'Unauthorized', detail, code }, { 'www-authenticate': 'Bearer' })
const wrongCode = () => unauthorized('INVALID_MFA_CODE', 'That code is not right, or was used already')
const endedToken = () => unauthorized('INVALID_MFA_TOKEN', 'This sign-in has expired or ended; sign in again')

/** The alert of the step's form (the passkey button below it has its own). */
const formAlert = () => within(document.querySelector('form') as HTMLElement).getByRole('alert')

/** The password step, answered with mfa_required; returns the user-event session on the code step. */
async function passwordStep(secondStep: () => Response | Promise<Response>, challenge = MFA_REQUIRED) {
  const fetchMock = stubApi({
    routes: {
      'POST /api/auth/signin': () => json(200, challenge),
      'POST /api/auth/signin/2fa': secondStep,
    },
  })
  await renderWithAuth(<SignInScreen />)
  const user = userEvent.setup()
  await user.type(screen.getByLabelText('Email'), 'ada@example.com')
  await user.type(screen.getByLabelText('Password'), 'correct horse')
  await user.click(screen.getByRole('button', { name: 'Sign in' }))
  await screen.findByRole('heading', { name: 'Two-factor authentication' })
  return { user, fetchMock }
}

describe('the code step of a password sign-in', () => {
  it('asks for the code with a numeric keyboard and one-time-code autofill, focused', async () => {
    const { fetchMock } = await passwordStep(() => json(200, AUTH_RESULT))
    const code = screen.getByLabelText('Authentication code')
    expect(code).toHaveFocus()
    expect(code).toHaveAttribute('autocomplete', 'one-time-code')
    expect(code).toHaveAttribute('inputmode', 'numeric')
    expect(code).toHaveAccessibleDescription(/6-digit code your authenticator app shows/)
    expect(screen.getByText('ada@example.com')).toBeVisible()
    // No credentials yet: nothing signed in, nowhere to go.
    expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-out')
    expect(nav.router.replace).not.toHaveBeenCalled()
    expect(screen.queryByLabelText('Password')).toBeNull()
    expect(sentBodies(fetchMock, 'POST /api/auth/signin/2fa')).toHaveLength(0)
  })

  it('signs in with the code and goes on to next, as a password sign-in does', async () => {
    nav.params = new URLSearchParams({ next: '/account' })
    const response = deferred()
    const { user, fetchMock } = await passwordStep(() => response.promise)
    await user.type(screen.getByLabelText('Authentication code'), '123 456{Enter}')

    expect(await screen.findByRole('button', { name: 'Signing in…' })).toBeDisabled()
    expect(sentBodies(fetchMock, 'POST /api/auth/signin/2fa')).toEqual([{ mfa_token: 'mfa-token-1', code: '123 456' }])
    response.resolve(json(200, AUTH_RESULT))
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/account'))
    expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-in')
  })

  it('switches to a recovery code: plain text, nothing remembered, sent as recovery_code', async () => {
    const { user, fetchMock } = await passwordStep(() => json(200, AUTH_RESULT))
    await user.click(screen.getByRole('button', { name: 'Use a recovery code' }))

    const field = screen.getByLabelText('Recovery code')
    expect(field).toHaveFocus()
    expect(field).toHaveAttribute('autocomplete', 'off')
    expect(field).toHaveAttribute('type', 'text')
    expect(field).not.toHaveAttribute('inputmode')
    expect(screen.queryByLabelText('Authentication code')).toBeNull()
    await user.type(field, 'ABCDE-12345{Enter}')

    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
    expect(sentBodies(fetchMock, 'POST /api/auth/signin/2fa')).toEqual([
      { mfa_token: 'mfa-token-1', recovery_code: 'ABCDE-12345' },
    ])
  })

  it('can switch back to the app’s code', async () => {
    const { user } = await passwordStep(() => json(200, AUTH_RESULT))
    await user.click(screen.getByRole('button', { name: 'Use a recovery code' }))
    await user.click(screen.getByRole('button', { name: 'Use your authenticator app' }))
    expect(screen.getByLabelText('Authentication code')).toHaveFocus()
  })

  it('offers no recovery code when the account has none to offer', async () => {
    await passwordStep(() => json(200, AUTH_RESULT), { ...MFA_REQUIRED, methods: ['totp'] })
    expect(screen.getByLabelText('Authentication code')).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Use a recovery code' })).toBeNull()
  })

  it('puts a wrong code on the field, clears it, and stays on the step', async () => {
    const { user } = await passwordStep(wrongCode)
    await user.type(screen.getByLabelText('Authentication code'), '000000{Enter}')

    const code = screen.getByLabelText('Authentication code')
    await waitFor(() => expect(code).toHaveAccessibleDescription(/That code is not right, or was used already/))
    expect(code).toHaveAttribute('aria-invalid', 'true')
    expect(code).toHaveValue('')
    expect(code).toHaveFocus()
    expect(screen.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible()
    expect(nav.router.replace).not.toHaveBeenCalled()
  })

  it('goes back to the password step when the sign-in has ended, keeping the email', async () => {
    const { user } = await passwordStep(endedToken)
    await user.type(screen.getByLabelText('Authentication code'), '000000{Enter}')

    const alert = formAlert()
    await waitFor(() => expect(alert).toHaveTextContent('This sign-in has expired; enter your password again'))
    expect(screen.getByRole('heading', { name: 'Sign in to Taskwell' })).toBeVisible()
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com')
    expect(screen.getByLabelText('Password')).toHaveValue('')
    expect(screen.getByLabelText('Password')).toHaveFocus()
  })

  it('after the third wrong code, the next try finds the sign-in ended', async () => {
    let tries = 0
    const { user, fetchMock } = await passwordStep(() => {
      tries += 1
      return tries <= 3 ? wrongCode() : endedToken()
    })
    for (let i = 0; i < 3; i++) {
      await user.type(screen.getByLabelText('Authentication code'), '000000{Enter}')
      await waitFor(() => expect(screen.getByLabelText('Authentication code')).toHaveAccessibleDescription(/not right/))
    }
    await user.type(screen.getByLabelText('Authentication code'), '111111{Enter}')
    expect(await screen.findByText(/This sign-in has expired/)).toBeVisible()
    expect(sentBodies(fetchMock, 'POST /api/auth/signin/2fa')).toHaveLength(4)
  })

  it('says so when rate limited, and keeps the code', async () => {
    const { user } = await passwordStep(() => problem(429, { title: 'Too Many Requests' }, { 'retry-after': '900' }))
    await user.type(screen.getByLabelText('Authentication code'), '123456{Enter}')
    await waitFor(() => expect(formAlert()).toHaveTextContent(/too many attempts/i))
    expect(screen.getByLabelText('Authentication code')).toHaveValue('123456')
  })

  it('checks the code’s shape without calling the API', async () => {
    const { user, fetchMock } = await passwordStep(() => json(200, AUTH_RESULT))
    await user.click(screen.getByRole('button', { name: 'Verify and sign in' }))
    expect(screen.getByLabelText('Authentication code')).toHaveAccessibleDescription(
      /Enter the 6-digit code from your authenticator app/,
    )
    await user.type(screen.getByLabelText('Authentication code'), '12345{Enter}')
    expect(screen.getByLabelText('Authentication code')).toHaveAccessibleDescription(/A code is 6 digits/)
    expect(sentBodies(fetchMock, 'POST /api/auth/signin/2fa')).toHaveLength(0)
  })

  it('starts over from the password step on Cancel', async () => {
    const { user } = await passwordStep(() => json(200, AUTH_RESULT))
    await user.click(screen.getByRole('button', { name: 'Cancel and start over' }))
    expect(screen.getByRole('heading', { name: 'Sign in to Taskwell' })).toBeVisible()
    expect(screen.getByLabelText('Password')).toHaveFocus()
    expect(formAlert()).toHaveTextContent('')
  })
})
