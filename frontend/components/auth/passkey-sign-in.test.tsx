import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
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
import { ASSERTION, cancelled, resetWebAuthn, startAuthentication, webauthn } from '@/test/webauthn'
import { SignInScreen } from './sign-in-screen'

vi.mock('next/navigation', () => import('@/test/navigation'))
vi.mock('@simplewebauthn/browser', () => import('@/test/webauthn'))

const nav = setUpAuthPageTest('/signin')
beforeEach(resetWebAuthn)

const OPTIONS = {
  challenge: 'Y2hhbGxlbmdl',
  rpId: 'localhost',
  timeout: 60000,
  userVerification: 'required',
  allowCredentials: [],
}

const passkeyRoutes = (verify: () => Response | Promise<Response>) =>
  stubApi({
    routes: {
      'POST /api/auth/passkey/options': () => json(200, { options: OPTIONS, expires_at: '2099-01-01T00:00:00.000Z' }),
      'POST /api/auth/passkey/verify': verify,
    },
  })

const passkeyButton = () => screen.getByRole('button', { name: 'Sign in with a passkey' })

describe('signing in with a passkey', () => {
  it('asks the browser with the API’s options, sends its answer, and goes on to next', async () => {
    nav.params = new URLSearchParams({ next: '/account' })
    startAuthentication.mockResolvedValue(ASSERTION)
    const response = deferred()
    const fetchMock = passkeyRoutes(() => response.promise)
    await renderWithAuth(<SignInScreen />)
    await userEvent.setup().click(passkeyButton())

    expect(await screen.findByRole('button', { name: 'Waiting for your passkey…' })).toBeDisabled()
    expect(startAuthentication).toHaveBeenCalledWith({ optionsJSON: OPTIONS })
    expect(sentBodies(fetchMock, 'POST /api/auth/passkey/options')).toEqual([{}])
    await waitFor(() =>
      expect(sentBodies(fetchMock, 'POST /api/auth/passkey/verify')).toEqual([{ credential: ASSERTION }]),
    )
    response.resolve(json(200, AUTH_RESULT))
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/account'))
  })

  it('needs no email: the fields may be empty', async () => {
    startAuthentication.mockResolvedValue(ASSERTION)
    passkeyRoutes(() => json(200, AUTH_RESULT))
    await renderWithAuth(<SignInScreen />)
    expect(screen.getByLabelText('Email')).toHaveValue('')
    await userEvent.setup().click(passkeyButton())
    await waitFor(() => expect(nav.router.replace).toHaveBeenCalledWith('/tasks'))
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid')
  })

  it('says calmly that a closed prompt was cancelled, with no error', async () => {
    startAuthentication.mockRejectedValue(cancelled())
    const fetchMock = passkeyRoutes(() => json(200, AUTH_RESULT))
    await renderWithAuth(<SignInScreen />)
    await userEvent.setup().click(passkeyButton())

    expect(await screen.findByText('Passkey sign-in was cancelled.')).toHaveAttribute('role', 'status')
    for (const alert of screen.getAllByRole('alert')) expect(alert).toHaveTextContent('')
    expect(passkeyButton()).toBeEnabled()
    expect(sentBodies(fetchMock, 'POST /api/auth/passkey/verify')).toHaveLength(0)
    expect(nav.router.replace).not.toHaveBeenCalled()
  })

  it('says a passkey the API does not know is not recognised', async () => {
    startAuthentication.mockResolvedValue(ASSERTION)
    passkeyRoutes(() =>
      problem(401, { title: 'Unauthorized', detail: 'Passkey not recognised', code: 'INVALID_PASSKEY' }),
    )
    await renderWithAuth(<SignInScreen />)
    await userEvent.setup().click(passkeyButton())

    expect(await screen.findByText(/That passkey is not recognised/)).toHaveAttribute('role', 'alert')
    expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-out')
  })

  it('says so when rate limited', async () => {
    stubApi({ routes: { 'POST /api/auth/passkey/options': () => problem(429, {}, { 'retry-after': '60' }) } })
    await renderWithAuth(<SignInScreen />)
    await userEvent.setup().click(passkeyButton())
    expect(await screen.findByText(/Too many attempts/)).toHaveAttribute('role', 'alert')
    expect(startAuthentication).not.toHaveBeenCalled()
  })

  it('explains a browser that refuses for another reason', async () => {
    startAuthentication.mockRejectedValue(Object.assign(new Error('no'), { name: 'SecurityError' }))
    passkeyRoutes(() => json(200, AUTH_RESULT))
    await renderWithAuth(<SignInScreen />)
    await userEvent.setup().click(passkeyButton())
    expect(await screen.findByText(/could not use a passkey here/)).toHaveAttribute('role', 'alert')
  })

  it('is not offered where the browser has no WebAuthn', async () => {
    webauthn.supported = false
    stubApi({})
    await renderWithAuth(<SignInScreen />)
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeVisible()
    expect(screen.queryByRole('button', { name: /passkey/i })).toBeNull()
  })
})
