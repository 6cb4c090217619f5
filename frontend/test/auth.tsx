/**
 * Test helpers for pages under the real AuthProvider: a fetch stub that answers the auth
 * endpoints by "METHOD /path", problem+json / JSON responses shaped like API.md, and the
 * shared setup of the sign-in and sign-up page tests.
 */
import { render, screen, waitFor } from '@testing-library/react'
import type { ReactElement } from 'react'
import { afterEach, beforeEach, expect, vi } from 'vitest'
import { AuthProvider, useAuth } from '@/components/auth-provider'
import { setAccessToken } from '@/lib/api'
import type { AuthResult, MfaRequired, User } from '@/lib/types'
import { nav } from './navigation'

export const USER: User = {
  id: 'u_1',
  email: 'ada@example.com',
  name: 'Ada',
  email_verified: true,
  created_at: '2025-03-14T12:00:00.000Z',
}

export const AUTH_RESULT: AuthResult = {
  user: USER,
  token: 'access-token',
  expires_at: '2099-01-01T00:00:00.000Z',
  session_token: 'session-token',
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

export const problem = (status: number, body: object = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  })

type Handler = (init: RequestInit | undefined) => Response | Promise<Response>

/** Stubs fetch; signed out unless `signedIn`. Unlisted requests fail the test loudly. */
export function stubApi({ signedIn = false, routes = {} }: { signedIn?: boolean; routes?: Record<string, Handler> }) {
  const handlers: Record<string, Handler> = {
    'GET /api/auth/token': () =>
      signedIn ? json(200, { token: 'access-token', expires_at: AUTH_RESULT.expires_at }) : problem(401),
    'GET /api/me': () => (signedIn ? json(200, { user: USER }) : problem(401)),
    'POST /api/auth/signout': () => new Response(null, { status: 204 }),
    ...routes,
  }
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const handler = handlers[`${init?.method ?? 'GET'} ${url}`]
    if (!handler) throw new Error(`Unexpected request: ${init?.method ?? 'GET'} ${url}`)
    return handler(init)
  })
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

/** The JSON bodies sent to `METHOD path`. */
export function sentBodies(fetchMock: ReturnType<typeof stubApi>, key: string): unknown[] {
  return fetchMock.mock.calls
    .filter(([url, init]) => `${init?.method ?? 'GET'} ${url}` === key)
    .map(([, init]) => JSON.parse(String(init?.body)))
}

/** A response we can hold back, to look at the page while the request is pending. */
export function deferred() {
  let resolve!: (res: Response) => void
  const promise = new Promise<Response>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

function AuthStatus() {
  return (
    <output data-testid="auth-status" hidden>
      {useAuth().status}
    </output>
  )
}

/** Renders `ui` under the real AuthProvider and waits until it knows who is signed in. */
export async function renderWithAuth(ui: ReactElement) {
  const result = render(
    <AuthProvider>
      <AuthStatus />
      {ui}
    </AuthProvider>,
  )
  await waitFor(() => expect(screen.getByTestId('auth-status')).not.toHaveTextContent('loading'))
  return result
}

/**
 * Setup for a sign-in/sign-up page test at `pathname`. The test file must also mock
 * next/navigation: `vi.mock('next/navigation', () => import('@/test/navigation'))`.
 * Each test starts with no query string and a fresh `router.replace`, and ends with fetch
 * unstubbed and no access token. Returns the navigation state to steer and inspect.
 */
export function setUpAuthPageTest(pathname: string) {
  nav.pathname = pathname
  beforeEach(() => {
    nav.params = new URLSearchParams()
    nav.router.replace.mockClear()
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    setAccessToken(null)
  })
  return nav
}

/** Sign-in's answer for the right password of an account with TOTP on (API.md "Password sign-in with TOTP on"). */
export const MFA_REQUIRED: MfaRequired = {
  mfa_required: true,
  mfa_token: 'mfa-token-1',
  methods: ['totp', 'recovery_code'],
  expires_at: '2099-01-01T00:05:00.000Z',
}
