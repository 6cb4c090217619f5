import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import type { Passkey } from '@/lib/types'
import { PASSKEYS, passkey } from '@/test/account'
import { json, problem, renderWithAuth, sentBodies, stubApi } from '@/test/auth'
import { ATTESTATION, cancelled, resetWebAuthn, startRegistration, webauthn } from '@/test/webauthn'
import { Passkeys } from './passkeys'

vi.mock('next/navigation', () => import('@/test/navigation'))
vi.mock('@simplewebauthn/browser', () => import('@/test/webauthn'))

beforeEach(resetWebAuthn)
afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

const OPTIONS = {
  challenge: 'Y2hhbGxlbmdl',
  rp: { id: 'localhost', name: 'Taskwell' },
  user: { id: 'dQ', name: 'ada@example.com', displayName: 'Ada' },
}
const ADDED = passkey({ id: 'pk_new', name: 'Desk key', created_at: '2026-01-07T10:00:00.000Z' })

type Handler = (init: RequestInit | undefined) => Response | Promise<Response>

async function renderSection(items: Passkey[], routes: Record<string, Handler> = {}) {
  const onChange = vi.fn()
  const fetchMock = stubApi({
    signedIn: true,
    routes: { 'GET /api/me/passkeys': () => json(200, { items }), ...routes },
  })
  await renderWithAuth(<Passkeys refreshKey={0} onChange={onChange} />)
  if (items.length > 0) await screen.findByRole('list', { name: 'Your passkeys' })
  else await screen.findByText('No passkeys yet.')
  return { onChange, fetchMock, user: userEvent.setup() }
}

const item = (name: string) =>
  screen.getAllByRole('listitem').find((li) => li.querySelector('p')?.textContent?.startsWith(name)) as HTMLElement

describe('passkeys', () => {
  it('lists each passkey: name, when added, last used or never, synced or on one device', async () => {
    await renderSection(PASSKEYS)
    const laptop = item('Work laptop')
    expect(laptop).toHaveTextContent('On one device')
    expect(laptop).toHaveTextContent('Never used')
    expect(laptop.querySelector('time')).toHaveAttribute('datetime', '2026-01-05T09:00:00.000Z')
    const phone = item('Phone')
    expect(phone).toHaveTextContent('Synced')
    expect(
      within(phone)
        .getByText(/Last used/)
        .querySelector('time'),
    ).toHaveAttribute('datetime', '2026-01-06T07:30:00.000Z')
    expect(within(phone).getByRole('button', { name: 'Rename Phone' })).toBeVisible()
    expect(within(phone).getByRole('button', { name: 'Delete Phone' })).toBeVisible()
  })

  it('adds one: password, name, the browser’s prompt, then the new passkey at the top', async () => {
    startRegistration.mockResolvedValue(ATTESTATION)
    const { fetchMock, onChange, user } = await renderSection(PASSKEYS, {
      'POST /api/me/passkeys/options': () => json(200, { options: OPTIONS, expires_at: '2099-01-01T00:00:00.000Z' }),
      'POST /api/me/passkeys': () => json(201, ADDED),
    })
    await user.click(screen.getByRole('button', { name: 'Add a passkey' }))
    expect(screen.getByLabelText('Password')).toHaveFocus()
    expect(screen.getByLabelText('Name')).toHaveValue('Passkey')
    await user.type(screen.getByLabelText('Password'), 'correct horse')
    await user.clear(screen.getByLabelText('Name'))
    await user.type(screen.getByLabelText('Name'), 'Desk key{Enter}')

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Added “Desk key”'))
    // The focus moves on the next frame, once the form that had it is gone.
    await waitFor(() => expect(screen.getByRole('status').parentElement).toHaveFocus())
    expect(sentBodies(fetchMock, 'POST /api/me/passkeys/options')).toEqual([{ password: 'correct horse' }])
    expect(startRegistration).toHaveBeenCalledWith({ optionsJSON: OPTIONS })
    expect(sentBodies(fetchMock, 'POST /api/me/passkeys')).toEqual([{ credential: ATTESTATION, name: 'Desk key' }])
    expect(screen.getAllByRole('listitem')[0]).toHaveTextContent('Desk key')
    expect(screen.queryByLabelText('Password')).toBeNull()
    expect(onChange).toHaveBeenCalled()
  })

  it('adds the first one', async () => {
    startRegistration.mockResolvedValue(ATTESTATION)
    const { user } = await renderSection([], {
      'POST /api/me/passkeys/options': () => json(200, { options: OPTIONS, expires_at: '2099-01-01T00:00:00.000Z' }),
      'POST /api/me/passkeys': () => json(201, { ...ADDED, name: 'Passkey' }),
    })
    await user.click(screen.getByRole('button', { name: 'Add a passkey' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}')
    expect(await screen.findByRole('list', { name: 'Your passkeys' })).toHaveTextContent('Passkey')
  })

  it('puts a wrong password on its field, before any prompt', async () => {
    const { user } = await renderSection(PASSKEYS, {
      'POST /api/me/passkeys/options': () =>
        problem(422, {
          title: 'Unprocessable Content',
          detail: 'The request has invalid fields',
          errors: [{ field: 'password', message: 'Password is incorrect' }],
        }),
    })
    await user.click(screen.getByRole('button', { name: 'Add a passkey' }))
    await user.type(screen.getByLabelText('Password'), 'wrong{Enter}')
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password is incorrect'))
    expect(screen.getByLabelText('Password')).toHaveFocus()
    expect(startRegistration).not.toHaveBeenCalled()
  })

  it('says calmly that a closed prompt added nothing, and keeps the form', async () => {
    startRegistration.mockRejectedValue(cancelled())
    const { fetchMock, user } = await renderSection(PASSKEYS, {
      'POST /api/me/passkeys/options': () => json(200, { options: OPTIONS, expires_at: '2099-01-01T00:00:00.000Z' }),
    })
    await user.click(screen.getByRole('button', { name: 'Add a passkey' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}')
    expect(await screen.findByText(/Passkey creation was cancelled/)).toHaveAttribute('role', 'status')
    expect(screen.getByRole('alert')).toHaveTextContent('')
    expect(screen.getByRole('button', { name: 'Create passkey' })).toBeEnabled()
    expect(sentBodies(fetchMock, 'POST /api/me/passkeys')).toHaveLength(0)
  })

  it('explains a device that holds a passkey of this account already', async () => {
    startRegistration.mockRejectedValue(Object.assign(new Error('registered'), { name: 'InvalidStateError' }))
    const { user } = await renderSection(PASSKEYS, {
      'POST /api/me/passkeys/options': () => json(200, { options: OPTIONS, expires_at: '2099-01-01T00:00:00.000Z' }),
    })
    await user.click(screen.getByRole('button', { name: 'Add a passkey' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}')
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/already holds a passkey/))
  })

  it('shows the API’s refusals: a credential it could not check, a conflict', async () => {
    startRegistration.mockResolvedValue(ATTESTATION)
    let calls = 0
    const { user } = await renderSection(PASSKEYS, {
      'POST /api/me/passkeys/options': () => json(200, { options: OPTIONS, expires_at: '2099-01-01T00:00:00.000Z' }),
      'POST /api/me/passkeys': () => {
        calls += 1
        return calls === 1
          ? problem(422, {
              detail: 'The request has invalid fields',
              errors: [{ field: 'credential', message: 'bad' }],
            })
          : problem(409, { title: 'Conflict', detail: 'This passkey is registered already' })
      },
    })
    await user.click(screen.getByRole('button', { name: 'Add a passkey' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}')
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/could not check the passkey/))
    await user.click(screen.getByRole('button', { name: 'Create passkey' }))
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('This passkey is registered already'))
  })

  it('renames one in place', async () => {
    const { fetchMock, onChange, user } = await renderSection(PASSKEYS, {
      'PATCH /api/me/passkeys/pk_phone': () => json(200, { ...PASSKEYS[1], name: 'Pixel' }),
    })
    await user.click(screen.getByRole('button', { name: 'Rename Phone' }))
    const field = screen.getByLabelText('New name for Phone')
    expect(field).toHaveFocus()
    await user.clear(field)
    await user.type(field, 'Pixel{Enter}')

    expect(await screen.findByRole('button', { name: 'Rename Pixel' })).toHaveFocus()
    expect(sentBodies(fetchMock, 'PATCH /api/me/passkeys/pk_phone')).toEqual([{ name: 'Pixel' }])
    expect(onChange).toHaveBeenCalled()
  })

  it('puts a bad name next to its field', async () => {
    const { user } = await renderSection(PASSKEYS, {
      'PATCH /api/me/passkeys/pk_phone': () =>
        problem(422, {
          detail: 'The request has invalid fields',
          errors: [{ field: 'name', message: 'Name must be at most 64 characters' }],
        }),
    })
    await user.click(screen.getByRole('button', { name: 'Rename Phone' }))
    await user.type(screen.getByLabelText('New name for Phone'), 'x'.repeat(70))
    await user.keyboard('{Enter}')
    await waitFor(() =>
      expect(screen.getByLabelText('New name for Phone')).toHaveAccessibleDescription(
        'Name must be at most 64 characters',
      ),
    )
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.getByRole('button', { name: 'Rename Phone' })).toHaveFocus()
  })

  it('deletes one after a confirmation that says sessions stay signed in', async () => {
    const { fetchMock, onChange, user } = await renderSection(PASSKEYS, {
      'DELETE /api/me/passkeys/pk_laptop': () => new Response(null, { status: 204 }),
    })
    await user.click(screen.getByRole('button', { name: 'Delete Work laptop' }))
    const question = screen.getByText(/Delete “Work laptop”\?/).closest('p')
    expect(question).toHaveFocus()
    expect(question).toHaveTextContent('Your sessions stay signed in')
    expect(sentBodies(fetchMock, 'DELETE /api/me/passkeys/pk_laptop')).toHaveLength(0)
    await user.click(screen.getByRole('button', { name: 'Delete passkey' }))

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Deleted “Work laptop”'))
    expect(screen.getByRole('status')).toHaveTextContent('your sessions stay signed in')
    expect(screen.getAllByRole('listitem')).toHaveLength(1)
    expect(
      fetchMock.mock.calls.filter(([url, init]) => url === '/api/me/passkeys/pk_laptop' && init?.method === 'DELETE'),
    ).toHaveLength(1)
    expect(onChange).toHaveBeenCalled()
  })

  it('keeps the passkey and says why when deleting fails', async () => {
    const { user } = await renderSection(PASSKEYS, {
      'DELETE /api/me/passkeys/pk_laptop': () => problem(503, { title: 'Service Unavailable' }),
    })
    await user.click(screen.getByRole('button', { name: 'Delete Work laptop' }))
    await user.click(screen.getByRole('button', { name: 'Delete passkey' }))
    await waitFor(() => expect(within(item('Work laptop')).getByRole('alert')).toHaveTextContent(/try again/i))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.getByRole('button', { name: 'Rename Work laptop' })).toHaveFocus()
  })

  it('explains, and offers no "Add", where the browser has no WebAuthn', async () => {
    webauthn.supported = false
    await renderSection(PASSKEYS)
    expect(screen.getByText(/This browser cannot make passkeys/)).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Add a passkey' })).toBeNull()
    expect(screen.getByRole('button', { name: 'Rename Phone' })).toBeVisible()
  })

  it('says so when the list cannot load, and tries again', async () => {
    let calls = 0
    stubApi({
      signedIn: true,
      routes: {
        'GET /api/me/passkeys': () => {
          calls += 1
          return calls === 1 ? problem(503, {}) : json(200, { items: PASSKEYS })
        },
      },
    })
    await renderWithAuth(<Passkeys refreshKey={0} onChange={() => {}} />)
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/try again/i))
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findAllByRole('listitem')).toHaveLength(2)
  })
})
