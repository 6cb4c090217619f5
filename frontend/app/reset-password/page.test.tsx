import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deferred, problem, renderWithAuth, sentBodies, setUpAuthPageTest, stubApi } from '@/test/auth'
import ResetPasswordPage from './page'

vi.mock('next/navigation', () => import('@/test/navigation'))

setUpAuthPageTest('/reset-password')

afterEach(() => window.history.replaceState(null, '', '/'))

const openLink = (hash: string) => window.history.replaceState(null, '', `/reset-password${hash}`)

const confirmReturns = (respond: () => Response | Promise<Response>, signedIn = false) =>
  stubApi({ signedIn, routes: { 'POST /api/auth/password-reset/confirm': respond } })

const noContent = () => new Response(null, { status: 204 })

const invalidToken = () =>
  problem(422, {
    title: 'Unprocessable Content',
    detail: 'The request has invalid fields',
    errors: [{ field: 'token', message: 'This link is invalid or has expired' }],
  })

async function setPassword(password: string) {
  const user = userEvent.setup()
  await user.type(await screen.findByLabelText('New password'), password)
  await user.click(screen.getByRole('button', { name: 'Set new password' }))
}

describe('reset-password page', () => {
  it('reads the token from the link’s #fragment and takes it out of the address bar', async () => {
    openLink('#token=reset-abc')
    const fetchMock = confirmReturns(noContent)
    await renderWithAuth(<ResetPasswordPage />)
    expect(await screen.findByLabelText('New password')).toHaveAttribute('autocomplete', 'new-password')
    expect(window.location.hash).toBe('')
    expect(window.location.pathname).toBe('/reset-password')

    await setPassword('a brand new passphrase')
    await waitFor(() => expect(sentBodies(fetchMock, 'POST /api/auth/password-reset/confirm')).toHaveLength(1))
    expect(sentBodies(fetchMock, 'POST /api/auth/password-reset/confirm')).toEqual([
      { token: 'reset-abc', new_password: 'a brand new passphrase' },
    ])
  })

  it('starts over when another link is opened in the same tab (only the fragment changes)', async () => {
    openLink('#token=first')
    const fetchMock = confirmReturns(noContent)
    await renderWithAuth(<ResetPasswordPage />)
    await setPassword('a brand new passphrase')
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/new password is set/))

    window.location.hash = '#token=second'
    await setPassword('another new passphrase')
    await waitFor(() => expect(sentBodies(fetchMock, 'POST /api/auth/password-reset/confirm')).toHaveLength(2))
    expect(sentBodies(fetchMock, 'POST /api/auth/password-reset/confirm')[1]).toEqual({
      token: 'second',
      new_password: 'another new passphrase',
    })
    expect(window.location.hash).toBe('')
  })

  it('shows the sign-up password rules as you type', async () => {
    openLink('#token=reset-abc')
    stubApi({})
    await renderWithAuth(<ResetPasswordPage />)
    const password = await screen.findByLabelText('New password')
    const minRule = screen.getByText('At least 8 characters').closest('li')
    expect(minRule).toHaveAttribute('data-state', 'unmet')
    await userEvent.setup().type(password, 'abcdefgh')
    expect(minRule).toHaveAttribute('data-state', 'met')
    expect(screen.getByText('Not a commonly used password')).toBeVisible()
  })

  it('on success says so, with a link to sign in', async () => {
    openLink('#token=reset-abc')
    const response = deferred()
    confirmReturns(() => response.promise)
    await renderWithAuth(<ResetPasswordPage />)
    await setPassword('a brand new passphrase')
    expect(await screen.findByRole('button', { name: 'Saving…' })).toBeDisabled()
    response.resolve(noContent())

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/new password is set/))
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin')
  })

  it('signs this tab out too, since the reset ended every session', async () => {
    openLink('#token=reset-abc')
    confirmReturns(noContent, true)
    await renderWithAuth(<ResetPasswordPage />)
    expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-in')
    await setPassword('a brand new passphrase')
    await waitFor(() => expect(screen.getByTestId('auth-status')).toHaveTextContent('signed-out'))
  })

  it('a 422 on the token says the link is invalid or expired, with a way to get a new one', async () => {
    openLink('#token=used-token')
    confirmReturns(invalidToken)
    await renderWithAuth(<ResetPasswordPage />)
    await setPassword('a brand new passphrase')

    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('This link is invalid or has expired'))
    expect(screen.getByRole('link', { name: 'Send me a new link' })).toHaveAttribute('href', '/forgot-password')
    expect(screen.queryByLabelText('New password')).toBeNull()
  })

  it('a 422 on the password stays on the form, next to the field', async () => {
    openLink('#token=reset-abc')
    confirmReturns(() =>
      problem(422, {
        title: 'Unprocessable Content',
        detail: 'The request has invalid fields',
        errors: [{ field: 'new_password', message: 'This password is too common; choose another' }],
      }),
    )
    await renderWithAuth(<ResetPasswordPage />)
    await setPassword('password1')
    const password = screen.getByLabelText('New password')
    await waitFor(() => expect(password).toHaveAccessibleDescription(/This password is too common; choose another/))
    expect(password).toHaveAttribute('aria-invalid', 'true')
    expect(password).toHaveFocus()
  })

  it('a link without a token is invalid without asking the API', async () => {
    openLink('')
    const fetchMock = stubApi({})
    await renderWithAuth(<ResetPasswordPage />)
    expect(await screen.findByRole('alert')).toHaveTextContent('This link is invalid or has expired')
    expect(sentBodies(fetchMock, 'POST /api/auth/password-reset/confirm')).toHaveLength(0)
  })

  it('asks for a password without calling the API', async () => {
    openLink('#token=reset-abc')
    const fetchMock = confirmReturns(noContent)
    await renderWithAuth(<ResetPasswordPage />)
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Set new password' }))
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(/Choose a password/)
    expect(sentBodies(fetchMock, 'POST /api/auth/password-reset/confirm')).toHaveLength(0)
  })
})
