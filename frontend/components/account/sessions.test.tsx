import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { setAccessToken } from '@/lib/api'
import type { Session } from '@/lib/types'
import { accountRoutes, SESSIONS } from '@/test/account'
import { json, problem, renderWithAuth, stubApi } from '@/test/auth'
import { Sessions } from './sessions'

vi.mock('next/navigation', () => import('@/test/navigation'))

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

const requests = (fetchMock: ReturnType<typeof stubApi>, key: string) =>
  fetchMock.mock.calls.filter(([url, init]) => `${init?.method ?? 'GET'} ${url}` === key)

describe('sessions', () => {
  it('lists each session by device, IP and times, marking this device', async () => {
    stubApi({ signedIn: true, routes: accountRoutes() })
    await renderWithAuth(<Sessions refreshKey={0} onChange={() => {}} />)

    const items = await screen.findAllByRole('listitem')
    expect(items).toHaveLength(3)
    const [here, phone] = items as [HTMLElement, HTMLElement]
    expect(here).toHaveTextContent('Chrome on Linux')
    expect(within(here).getByText('This device')).toBeVisible()
    expect(within(here).queryByRole('button')).toBeNull() // the page's own "Sign out" ends this one
    expect(phone).toHaveTextContent('Safari on iPhone')
    expect(phone).toHaveTextContent('IP 198.51.100.7')
    const times = [...phone.querySelectorAll('time')].map((t) => t.getAttribute('datetime'))
    expect(times).toEqual(['2026-01-03T10:00:00.000Z', '2026-01-02T09:00:00.000Z']) // last used, signed in
    expect(within(phone).queryByText('This device')).toBeNull()
  })

  it('shows more sessions a page at a time, each once, until there are no more', async () => {
    const [here, phone, third] = SESSIONS as [Session, Session, Session]
    const fetchMock = stubApi({
      signedIn: true,
      routes: {
        ...accountRoutes(),
        'GET /api/me/sessions': () => json(200, { items: [here, phone], next_cursor: 'page-2' }),
        // The phone was used meanwhile: it is on the next page too.
        'GET /api/me/sessions?cursor=page-2': () => json(200, { items: [phone, third], next_cursor: null }),
      },
    })
    await renderWithAuth(<Sessions refreshKey={0} onChange={() => {}} />)
    expect(await screen.findAllByRole('listitem')).toHaveLength(2)

    await userEvent.setup().click(screen.getByRole('button', { name: 'Show more sessions' }))
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(3))
    expect(requests(fetchMock, 'GET /api/me/sessions?cursor=page-2')).toHaveLength(1)
    expect(screen.queryByRole('button', { name: 'Show more sessions' })).toBeNull()
  })

  it('offers no "show more" when the first page is all', async () => {
    stubApi({ signedIn: true, routes: accountRoutes() })
    await renderWithAuth(<Sessions refreshKey={0} onChange={() => {}} />)
    expect(await screen.findAllByRole('listitem')).toHaveLength(3)
    expect(screen.queryByRole('button', { name: 'Show more sessions' })).toBeNull()
  })

  it('signs out one other session', async () => {
    const onChange = vi.fn()
    const fetchMock = stubApi({
      signedIn: true,
      routes: { ...accountRoutes(), 'DELETE /api/me/sessions/s_phone': () => new Response(null, { status: 204 }) },
    })
    await renderWithAuth(<Sessions refreshKey={0} onChange={onChange} />)
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign out Safari on iPhone' }))

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Signed out Safari on iPhone.'))
    expect(requests(fetchMock, 'DELETE /api/me/sessions/s_phone')).toHaveLength(1)
    expect(screen.queryByText('Safari on iPhone')).toBeNull()
    expect(onChange).toHaveBeenCalled()
  })

  it('signs out all other sessions', async () => {
    const fetchMock = stubApi({
      signedIn: true,
      routes: { ...accountRoutes(), 'POST /api/me/sessions/revoke-others': () => json(200, { revoked: 2 }) },
    })
    await renderWithAuth(<Sessions refreshKey={0} onChange={() => {}} />)
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign out all other sessions' }))

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Signed out 2 other sessions.'))
    expect(requests(fetchMock, 'POST /api/me/sessions/revoke-others')).toHaveLength(1)
    expect(screen.getAllByRole('listitem')).toHaveLength(1)
    expect(screen.queryByRole('button', { name: 'Sign out all other sessions' })).toBeNull()
  })

  it('offers no "sign out all other sessions" when this is the only one', async () => {
    stubApi({ signedIn: true, routes: accountRoutes(SESSIONS.slice(0, 1)) })
    await renderWithAuth(<Sessions refreshKey={0} onChange={() => {}} />)
    expect(await screen.findByText('This device')).toBeVisible()
    expect(screen.queryByRole('button', { name: 'Sign out all other sessions' })).toBeNull()
  })

  it('says so when the list cannot load, and tries again', async () => {
    let calls = 0
    stubApi({
      signedIn: true,
      routes: {
        'GET /api/me/sessions': () => {
          calls += 1
          return calls === 1
            ? problem(503, { title: 'Service Unavailable' })
            : json(200, { items: SESSIONS, next_cursor: null })
        },
      },
    })
    await renderWithAuth(<Sessions refreshKey={0} onChange={() => {}} />)
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent(/try again/i))
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findAllByRole('listitem')).toHaveLength(3)
  })
})
