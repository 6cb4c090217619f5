import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useAuth } from '@/components/auth-provider'
import { setAccessToken } from '@/lib/api'
import { deferred, json, problem, renderWithAuth, sentBodies, stubApi, USER } from '@/test/auth'
import { NameForm } from './name-form'
import { PasswordForm } from './password-form'

vi.mock('next/navigation', () => import('@/test/navigation'))

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

const invalid = (errors: { field: string; message: string }[]) =>
  problem(422, { title: 'Unprocessable Content', detail: 'The request has invalid fields', errors })

function SignedInName() {
  return <p data-testid="signed-in-name">{useAuth().user?.name}</p>
}

describe('change name', () => {
  it('saves the name and updates it everywhere on the page', async () => {
    const onChange = vi.fn()
    const fetchMock = stubApi({
      signedIn: true,
      routes: { 'PATCH /api/me': () => json(200, { user: { ...USER, name: 'Ada Lovelace' } }) },
    })
    await renderWithAuth(
      <>
        <SignedInName />
        <NameForm user={USER} onChange={onChange} />
      </>,
    )
    const user = userEvent.setup()
    const name = screen.getByLabelText('Name')
    expect(name).toHaveValue('Ada')
    await user.clear(name)
    await user.type(name, 'Ada Lovelace')
    await user.click(screen.getByRole('button', { name: 'Save name' }))

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Name saved.'))
    expect(sentBodies(fetchMock, 'PATCH /api/me')).toEqual([{ name: 'Ada Lovelace' }])
    expect(screen.getByTestId('signed-in-name')).toHaveTextContent('Ada Lovelace')
    expect(onChange).toHaveBeenCalled()
  })

  it('shows a 422 next to the field', async () => {
    stubApi({
      signedIn: true,
      routes: { 'PATCH /api/me': () => invalid([{ field: 'name', message: 'Name must be at most 100 characters' }]) },
    })
    await renderWithAuth(<NameForm user={USER} onChange={() => {}} />)
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Name'), 'x'.repeat(100))
    await user.click(screen.getByRole('button', { name: 'Save name' }))
    await waitFor(() =>
      expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Name must be at most 100 characters'),
    )
    expect(screen.getByRole('status')).toHaveTextContent('')
  })

  it('asks for a name without calling the API', async () => {
    const fetchMock = stubApi({ signedIn: true })
    await renderWithAuth(<NameForm user={USER} onChange={() => {}} />)
    const user = userEvent.setup()
    await user.clear(screen.getByLabelText('Name'))
    await user.click(screen.getByRole('button', { name: 'Save name' }))
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Enter a name')
    expect(sentBodies(fetchMock, 'PATCH /api/me')).toHaveLength(0)
  })
})

describe('change password', () => {
  async function change(current: string, next: string) {
    const user = userEvent.setup()
    await user.type(screen.getByLabelText('Current password'), current)
    await user.type(screen.getByLabelText('New password'), next)
    await user.click(screen.getByRole('button', { name: 'Change password' }))
  }

  it('changes it, says other devices were signed out and clears the form', async () => {
    const onChange = vi.fn()
    const response = deferred()
    const fetchMock = stubApi({ signedIn: true, routes: { 'PUT /api/me/password': () => response.promise } })
    await renderWithAuth(<PasswordForm onChange={onChange} />)
    await change('correct horse', 'a brand new passphrase')

    expect(await screen.findByRole('button', { name: 'Changing…' })).toBeDisabled()
    response.resolve(new Response(null, { status: 204 }))
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Your other devices were signed out'))
    expect(sentBodies(fetchMock, 'PUT /api/me/password')).toEqual([
      { current_password: 'correct horse', new_password: 'a brand new passphrase' },
    ])
    expect(screen.getByLabelText('Current password')).toHaveValue('')
    expect(screen.getByLabelText('New password')).toHaveValue('')
    expect(onChange).toHaveBeenCalled()
  })

  it('shows a wrong current password and a weak new one next to their fields', async () => {
    stubApi({
      signedIn: true,
      routes: {
        'PUT /api/me/password': () =>
          invalid([
            { field: 'current_password', message: 'Password is incorrect' },
            { field: 'new_password', message: 'This password is too common; choose another' },
          ]),
      },
    })
    await renderWithAuth(<PasswordForm onChange={() => {}} />)
    await change('wrong', 'password1')
    const current = screen.getByLabelText('Current password')
    await waitFor(() => expect(current).toHaveAccessibleDescription('Password is incorrect'))
    expect(current).toHaveFocus()
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(
      /This password is too common; choose another/,
    )
  })

  it('says so when rate limited', async () => {
    stubApi({ signedIn: true, routes: { 'PUT /api/me/password': () => problem(429, {}, { 'retry-after': '900' }) } })
    await renderWithAuth(<PasswordForm onChange={() => {}} />)
    await change('wrong', 'a brand new passphrase')
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/too many attempts/i))
  })

  it('shows the sign-up password rules for the new password', async () => {
    stubApi({ signedIn: true })
    await renderWithAuth(<PasswordForm onChange={() => {}} />)
    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(/At least 8 characters/)
    expect(screen.getByLabelText('Current password')).toHaveAttribute('autocomplete', 'current-password')
  })
})
