import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import type { TwoFactorStatus } from '@/lib/types'
import { ENROLMENT, RECOVERY_CODES, TOTP_OFF, TOTP_ON } from '@/test/account'
import { json, problem, renderWithAuth, sentBodies, stubApi } from '@/test/auth'
import { RECOVERY_CODES_FILE } from './recovery-codes'
import { TwoFactor } from './two-factor'

vi.mock('next/navigation', () => import('@/test/navigation'))

beforeAll(() => {
  // jsdom has no blob: URLs; the download link only needs one to point at.
  Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:taskwell/recovery-codes'), revokeObjectURL: vi.fn() })
})

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

const invalid = (field: string, message: string) =>
  problem(422, {
    title: 'Unprocessable Content',
    detail: 'The request has invalid fields',
    errors: [{ field, message }],
  })
const noContent = () => new Response(null, { status: 204 })

type Handler = (init: RequestInit | undefined) => Response | Promise<Response>

/** The section on its own, over a status that the routes may change. */
async function renderSection(initial: TwoFactorStatus, routes: Record<string, Handler> = {}) {
  const state = { status: initial }
  const onChange = vi.fn()
  const fetchMock = stubApi({
    signedIn: true,
    routes: { 'GET /api/me/2fa': () => json(200, state.status), ...routes },
  })
  await renderWithAuth(<TwoFactor refreshKey={0} onChange={onChange} />)
  await screen.findByText(/Signing in asks for/)
  return { state, onChange, fetchMock, user: userEvent.setup() }
}

describe('two-factor authentication, off', () => {
  it('says it is off, and that turning it on signs out the other devices', async () => {
    await renderSection(TOTP_OFF)
    expect(screen.getByText('Off')).toBeVisible()
    expect(screen.getByText(/signs you out on every other device/)).toBeVisible()
    expect(screen.getByRole('button', { name: 'Turn on two-factor authentication' })).toBeVisible()
  })

  it('turns on: password, QR code and key, a first code, then the recovery codes once', async () => {
    const { state, onChange, fetchMock, user } = await renderSection(TOTP_OFF, {
      'POST /api/me/2fa/totp': () => json(200, ENROLMENT),
      'POST /api/me/2fa/totp/confirm': () => {
        state.status = { ...TOTP_ON }
        return json(200, { recovery_codes: RECOVERY_CODES })
      },
    })
    await user.click(screen.getByRole('button', { name: 'Turn on two-factor authentication' }))
    const password = screen.getByLabelText('Password')
    expect(password).toHaveFocus()
    await user.type(password, 'correct horse{Enter}')

    // Enrolling: the heading takes the focus; the QR code is drawn in the page.
    const heading = await screen.findByRole('heading', { name: /Scan this QR code/ })
    expect(heading).toHaveFocus()
    expect(screen.getByRole('img', { name: /QR code of your two-factor key/ }).tagName.toLowerCase()).toBe('svg')
    expect(screen.getByTestId('totp-secret')).toHaveTextContent('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')
    await user.click(screen.getByRole('button', { name: 'Copy key' }))
    expect(await navigator.clipboard.readText()).toBe(ENROLMENT.secret)
    expect(screen.getByText('Copied the key.')).toBeVisible()
    // Said before the person confirms.
    expect(screen.getByText(/signs you out on every other device and browser/)).toBeVisible()
    const code = screen.getByLabelText('Code from your app')
    expect(code).toHaveAttribute('autocomplete', 'one-time-code')
    expect(code).toHaveAttribute('inputmode', 'numeric')
    await user.type(code, '123456')
    await user.click(screen.getByRole('button', { name: 'Turn on two-factor authentication' }))

    // Codes, shown once.
    const codesHeading = await screen.findByRole('heading', { name: 'Save your recovery codes' })
    expect(codesHeading).toHaveFocus()
    expect(screen.getByText(/Two-factor authentication is on. Your other devices were signed out./)).toBeVisible()
    expect(screen.getByText(/These codes will not be shown again/)).toBeVisible()
    const list = screen.getByRole('list', { name: 'Recovery codes' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(RECOVERY_CODES)
    await user.click(screen.getByRole('button', { name: 'Copy codes' }))
    const copied = await navigator.clipboard.readText()
    for (const c of RECOVERY_CODES) expect(copied).toContain(c)
    expect(copied).toContain('ada@example.com')
    const download = screen.getByRole('link', { name: 'Download as .txt' })
    expect(download).toHaveAttribute('href', 'blob:taskwell/recovery-codes')
    expect(download).toHaveAttribute('download', RECOVERY_CODES_FILE)
    expect(sentBodies(fetchMock, 'POST /api/me/2fa/totp')).toEqual([{ password: 'correct horse' }])
    expect(sentBodies(fetchMock, 'POST /api/me/2fa/totp/confirm')).toEqual([{ code: '123456' }])
    expect(onChange).toHaveBeenCalled()

    await user.click(screen.getByRole('button', { name: 'I’ve saved them' }))
    expect(await screen.findByText('On')).toBeVisible()
    expect(document.activeElement).toHaveTextContent(/Signing in asks for your password and a code/)
    expect(screen.queryByText(RECOVERY_CODES[0] as string)).toBeNull()
  })

  it('puts a wrong password and a wrong first code next to their fields', async () => {
    const { user } = await renderSection(TOTP_OFF, {
      'POST /api/me/2fa/totp': (init) =>
        JSON.parse(String(init?.body)).password === 'right'
          ? json(200, ENROLMENT)
          : invalid('password', 'Password is incorrect'),
      'POST /api/me/2fa/totp/confirm': () => invalid('code', 'That code is not right; check the time on your device'),
    })
    await user.click(screen.getByRole('button', { name: 'Turn on two-factor authentication' }))
    await user.type(screen.getByLabelText('Password'), 'wrong{Enter}')
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password is incorrect'))
    expect(screen.getByLabelText('Password')).toHaveFocus()

    await user.clear(screen.getByLabelText('Password'))
    await user.type(screen.getByLabelText('Password'), 'right{Enter}')
    const code = await screen.findByLabelText('Code from your app')
    await user.type(code, '000000{Enter}')
    await waitFor(() => expect(code).toHaveAccessibleDescription(/check the time on your device/))
    expect(code).toHaveAttribute('aria-invalid', 'true')
    expect(code).toHaveFocus()
  })

  it('checks the first code’s shape without calling the API', async () => {
    const { user, fetchMock } = await renderSection(TOTP_OFF, { 'POST /api/me/2fa/totp': () => json(200, ENROLMENT) })
    await user.click(screen.getByRole('button', { name: 'Turn on two-factor authentication' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}')
    await user.type(await screen.findByLabelText('Code from your app'), '12{Enter}')
    expect(screen.getByLabelText('Code from your app')).toHaveAccessibleDescription(/A code is 6 digits/)
    expect(sentBodies(fetchMock, 'POST /api/me/2fa/totp/confirm')).toHaveLength(0)
  })

  it('goes back, saying why, when the setup expired (409)', async () => {
    const { user } = await renderSection(TOTP_OFF, {
      'POST /api/me/2fa/totp': () => json(200, ENROLMENT),
      'POST /api/me/2fa/totp/confirm': () =>
        problem(409, { title: 'Conflict', detail: 'No enrolment is waiting: begin again to get a new secret' }),
    })
    await user.click(screen.getByRole('button', { name: 'Turn on two-factor authentication' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}')
    await user.type(await screen.findByLabelText('Code from your app'), '123456{Enter}')
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('No enrolment is waiting'))
    expect(screen.getByRole('button', { name: 'Turn on two-factor authentication' })).toBeVisible()
  })

  it('cancels back to where it was, focus included', async () => {
    const { user } = await renderSection(TOTP_OFF, { 'POST /api/me/2fa/totp': () => json(200, ENROLMENT) })
    await user.click(screen.getByRole('button', { name: 'Turn on two-factor authentication' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse{Enter}')
    await screen.findByLabelText('Code from your app')
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(document.activeElement).toHaveTextContent(/Signing in asks for your password only/)
  })
})

describe('two-factor authentication, on', () => {
  it('says since when and how many recovery codes are left', async () => {
    await renderSection({ ...TOTP_ON, recovery_codes_remaining: 2 })
    expect(screen.getByText('On')).toBeVisible()
    expect(screen.getByText('2 recovery codes left.')).toBeVisible()
    expect(screen.getByText(/Running low/)).toBeVisible()
    expect(screen.getByText(/since/).querySelector('time')).toHaveAttribute('datetime', TOTP_ON.totp_enabled_at)
  })

  it('makes new recovery codes with the password and a code, and shows them once', async () => {
    const fresh = RECOVERY_CODES.map((c) => c.replace('code', 'next'))
    const { onChange, fetchMock, user } = await renderSection(TOTP_ON, {
      'POST /api/me/2fa/recovery-codes': () => json(200, { recovery_codes: fresh }),
    })
    await user.click(screen.getByRole('button', { name: 'Get new recovery codes' }))
    expect(screen.getByText(/current recovery codes will stop working/)).toBeVisible()
    expect(screen.getByLabelText('Password')).toHaveFocus()
    await user.type(screen.getByLabelText('Password'), 'correct horse')
    await user.type(screen.getByLabelText('Authentication code'), '654321{Enter}')

    expect(await screen.findByRole('heading', { name: 'Save your recovery codes' })).toHaveFocus()
    expect(screen.getByText(/Your old codes no longer work/)).toBeVisible()
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(fresh)
    expect(sentBodies(fetchMock, 'POST /api/me/2fa/recovery-codes')).toEqual([
      { password: 'correct horse', code: '654321' },
    ])
    expect(onChange).toHaveBeenCalled()
  })

  it('takes a recovery code instead of the app’s code', async () => {
    const { fetchMock, user } = await renderSection(TOTP_ON, {
      'POST /api/me/2fa/recovery-codes': () => json(200, { recovery_codes: RECOVERY_CODES }),
    })
    await user.click(screen.getByRole('button', { name: 'Get new recovery codes' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse')
    await user.click(screen.getByRole('button', { name: 'Use a recovery code' }))
    expect(screen.getByLabelText('Recovery code')).toHaveFocus()
    await user.type(screen.getByLabelText('Recovery code'), 'abcde-12345{Enter}')
    await screen.findByRole('heading', { name: 'Save your recovery codes' })
    expect(sentBodies(fetchMock, 'POST /api/me/2fa/recovery-codes')).toEqual([
      { password: 'correct horse', recovery_code: 'abcde-12345' },
    ])
  })

  it('turns off with the password and a code', async () => {
    const { state, fetchMock, onChange, user } = await renderSection(TOTP_ON, {
      'DELETE /api/me/2fa/totp': () => {
        state.status = TOTP_OFF
        return noContent()
      },
    })
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor authentication' }))
    expect(screen.getByText(/You stay signed in on your devices/)).toBeVisible()
    await user.type(screen.getByLabelText('Password'), 'correct horse')
    await user.type(screen.getByLabelText('Authentication code'), '111 222')
    await user.click(screen.getByRole('button', { name: 'Turn off' }))

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Two-factor authentication is off.'))
    expect(sentBodies(fetchMock, 'DELETE /api/me/2fa/totp')).toEqual([{ password: 'correct horse', code: '111 222' }])
    expect(onChange).toHaveBeenCalled()
    expect(await screen.findByText('Off')).toBeVisible()
  })

  it('puts a wrong password or code next to its field', async () => {
    const { user } = await renderSection(TOTP_ON, {
      'DELETE /api/me/2fa/totp': (init) =>
        JSON.parse(String(init?.body)).password === 'wrong'
          ? invalid('password', 'Password is incorrect')
          : invalid('recovery_code', 'That code is not right, or was used already'),
    })
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor authentication' }))
    await user.type(screen.getByLabelText('Password'), 'wrong')
    await user.type(screen.getByLabelText('Authentication code'), '123456{Enter}')
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Password is incorrect'))
    expect(screen.getByLabelText('Password')).toHaveFocus()

    await user.clear(screen.getByLabelText('Password'))
    await user.type(screen.getByLabelText('Password'), 'correct horse')
    await user.click(screen.getByRole('button', { name: 'Use a recovery code' }))
    await user.type(screen.getByLabelText('Recovery code'), 'zzzzz-zzzzz{Enter}')
    await waitFor(() =>
      expect(screen.getByLabelText('Recovery code')).toHaveAccessibleDescription(/That code is not right/),
    )
    expect(screen.getByLabelText('Recovery code')).toHaveFocus()
  })

  it('asks for both fields without calling the API', async () => {
    const { fetchMock, user } = await renderSection(TOTP_ON)
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor authentication' }))
    await user.click(screen.getByRole('button', { name: 'Turn off' }))
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password')
    expect(screen.getByLabelText('Authentication code')).toHaveAccessibleDescription(/Enter the 6-digit code/)
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'DELETE')).toHaveLength(0)
  })

  it('says so when rate limited', async () => {
    const { user } = await renderSection(TOTP_ON, {
      'POST /api/me/2fa/recovery-codes': () => problem(429, {}, { 'retry-after': '900' }),
    })
    await user.click(screen.getByRole('button', { name: 'Get new recovery codes' }))
    await user.type(screen.getByLabelText('Password'), 'correct horse')
    await user.type(screen.getByLabelText('Authentication code'), '123456{Enter}')
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/too many attempts/i))
  })
})

it('says so when the status cannot load, and tries again', async () => {
  let calls = 0
  stubApi({
    signedIn: true,
    routes: {
      'GET /api/me/2fa': () => {
        calls += 1
        return calls === 1 ? problem(503, { title: 'Service Unavailable' }) : json(200, TOTP_OFF)
      },
    },
  })
  await renderWithAuth(<TwoFactor refreshKey={0} onChange={() => {}} />)
  await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/try again/i))
  await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }))
  expect(await screen.findByText('Off')).toBeVisible()
})
