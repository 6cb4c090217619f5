import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, setAccessToken } from './api'

const problem = (status: number, body: object) =>
  new Response(JSON.stringify({ type: 'about:blank', status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  })

afterEach(() => {
  vi.unstubAllGlobals()
  setAccessToken(null)
})

describe('api()', () => {
  it('turns a 422 problem into field errors', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        problem(422, {
          title: 'Unprocessable Content',
          detail: 'The request has invalid fields',
          errors: [{ field: 'title', message: 'Title must not be empty' }],
        }),
      ),
    )
    const err = (await api('/api/x', { method: 'POST', body: {}, anonymous: true }).catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.fieldErrors()).toEqual({ title: 'Title must not be empty' })
  })

  it("keeps the problem's machine-readable code", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        problem(403, { title: 'Forbidden', detail: 'Verify your email address first', code: 'EMAIL_NOT_VERIFIED' }),
      ),
    )
    const err = (await api('/api/x', { method: 'POST', body: {}, anonymous: true }).catch((e) => e)) as ApiError
    expect(err.status).toBe(403)
    expect(err.code).toBe('EMAIL_NOT_VERIFIED')
    expect(err.message).toBe('Verify your email address first')
  })

  it('never shows a server error raw', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => problem(500, { title: 'Internal Server Error', detail: 'relation "task" does not exist' })),
    )
    const err = (await api('/api/x', { anonymous: true }).catch((e) => e)) as ApiError
    expect(err.message).not.toMatch(/relation|task/)
    expect(err.message).toMatch(/try again/i)
  })

  it('renews an expired access token from the session once and retries', async () => {
    setAccessToken('expired')
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/auth/token') return new Response(JSON.stringify({ token: 'fresh' }), { status: 200 })
      const auth = new Headers(init?.headers).get('authorization')
      return auth === 'Bearer fresh' ? new Response(JSON.stringify({ ok: true }), { status: 200 }) : problem(401, {})
    })
    vi.stubGlobal('fetch', fetchMock)
    await expect(api('/api/me')).resolves.toEqual({ ok: true })
    expect(fetchMock).toHaveBeenCalledTimes(3)
  })
})
