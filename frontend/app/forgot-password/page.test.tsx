import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { deferred, json, problem, renderWithAuth, sentBodies, setUpAuthPageTest, stubApi } from '@/test/auth'
import ForgotPasswordPage from './page'

vi.mock('next/navigation', () => import('@/test/navigation'))

setUpAuthPageTest('/forgot-password')

const resetReturns = (respond: () => Response | Promise<Response>) =>
  stubApi({ routes: { 'POST /api/auth/password-reset': respond } })

const accepted = () => json(202, { detail: 'If the account exists, a link is on its way' })

async function requestLink(email: string) {
  const user = userEvent.setup()
  await user.type(screen.getByLabelText('Email'), email)
  await user.click(screen.getByRole('button', { name: 'Send reset link' }))
  return user
}

describe('forgot-password page', () => {
  it('sends the email and says the same thing whether or not the account exists', async () => {
    const fetchMock = resetReturns(accepted)
    await renderWithAuth(<ForgotPasswordPage />)
    await requestLink('ada@example.com')

    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('If an account exists for that address, we sent a link'),
    )
    expect(sentBodies(fetchMock, 'POST /api/auth/password-reset')).toEqual([{ email: 'ada@example.com' }])
    expect(screen.getByRole('button', { name: 'Send another link' })).toBeEnabled()
  })

  it('disables the button while sending', async () => {
    const response = deferred()
    resetReturns(() => response.promise)
    await renderWithAuth(<ForgotPasswordPage />)
    await requestLink('ada@example.com')
    expect(await screen.findByRole('button', { name: 'Sending…' })).toBeDisabled()
    response.resolve(accepted())
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/we sent a link/))
  })

  it('shows a 422 on the email field', async () => {
    resetReturns(() =>
      problem(422, {
        title: 'Unprocessable Content',
        detail: 'The request has invalid fields',
        errors: [{ field: 'email', message: 'Must be a valid email address' }],
      }),
    )
    await renderWithAuth(<ForgotPasswordPage />)
    await requestLink('ada@')
    const email = screen.getByLabelText('Email')
    await waitFor(() => expect(email).toHaveAccessibleDescription('Must be a valid email address'))
    expect(email).toHaveAttribute('aria-invalid', 'true')
    expect(email).toHaveFocus()
    expect(screen.getByRole('status')).toHaveTextContent('')
  })

  it('says so when rate limited', async () => {
    resetReturns(() => problem(429, { title: 'Too Many Requests' }, { 'retry-after': '3600' }))
    await renderWithAuth(<ForgotPasswordPage />)
    await requestLink('ada@example.com')
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/too many attempts/i))
    expect(screen.getByRole('status')).toHaveTextContent('')
  })

  it('asks for an email without calling the API', async () => {
    const fetchMock = resetReturns(accepted)
    await renderWithAuth(<ForgotPasswordPage />)
    await userEvent.setup().click(screen.getByRole('button', { name: 'Send reset link' }))
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter your email address')
    expect(sentBodies(fetchMock, 'POST /api/auth/password-reset')).toHaveLength(0)
  })

  it('links back to sign in', async () => {
    stubApi({})
    await renderWithAuth(<ForgotPasswordPage />)
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin')
  })
})
