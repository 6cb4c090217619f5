/**
 * The one fetch wrapper. Talks to our API on the same origin (Next proxies /api/*), sends the
 * in-memory access token, renews it once from the session cookie on a 401, and turns
 * problem+json into ApiError. Tokens live in memory only, never in localStorage.
 */
import type { components } from './api/schema'

type WireProblem = components['schemas']['Problem']

export type FieldError = NonNullable<WireProblem['errors']>[number]

/** A problem document as read defensively: only the status is certain (a proxy's 502 has no body). */
export type Problem = Pick<WireProblem, 'status'> & Partial<WireProblem>

const GENERIC = 'Something went wrong on our side. Please try again.'
const OFFLINE = 'Could not reach Taskwell. Check your connection and try again.'

export class ApiError extends Error {
  readonly status: number
  readonly errors: FieldError[]
  /** The problem's machine-readable `code` extension (e.g. "EMAIL_NOT_VERIFIED"), when it has one. */
  readonly code: string | undefined
  constructor(status: number, message: string, errors: FieldError[] = [], code?: string) {
    super(message)
    this.status = status
    this.errors = errors
    this.code = code
  }

  /** Field errors keyed by field name, first message per field. */
  fieldErrors(): Record<string, string> {
    const byField: Record<string, string> = {}
    for (const { field, message } of this.errors) byField[field] ??= message
    return byField
  }
}

/** What a person should read for a problem: our API's 4xx details are written for people; nothing else is shown raw. */
export function messageFor(problem: Problem): string {
  if (problem.status === 429) return 'Too many attempts. Please wait a little and try again.'
  if (problem.status >= 500 || problem.status === 0) return problem.status === 0 ? OFFLINE : GENERIC
  return problem.detail ?? problem.title ?? GENERIC
}

const UNEXPECTED = 'Something went wrong. Please try again.'

/** What a person should read for anything a call threw: an ApiError's message, or a plain apology. */
export const errorMessage = (err: unknown): string => (err instanceof ApiError ? err.message : UNEXPECTED)

/** Anything a call threw, as an ApiError (status 0 when it was not one). */
export const asApiError = (err: unknown): ApiError => (err instanceof ApiError ? err : new ApiError(0, UNEXPECTED))

export async function toApiError(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status }
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = (await res.json()) as Partial<Problem>
      problem = { ...body, status: res.status }
    } catch {
      // fall through with the bare status
    }
  }
  const errors = Array.isArray(problem.errors) && res.status < 500 ? problem.errors : []
  const code = typeof problem.code === 'string' && res.status < 500 ? problem.code : undefined
  return new ApiError(res.status, messageFor(problem), errors, code)
}

let accessToken: string | null = null
let renewing: Promise<boolean> | null = null
const unauthorizedListeners = new Set<() => void>()

export function setAccessToken(token: string | null): void {
  accessToken = token
}

/** Called when the session is gone (signed out here, in another tab, or expired). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener)
  return () => unauthorizedListeners.delete(listener)
}

/** A new access token from the session cookie; concurrent callers share one request. */
export function renewAccessToken(): Promise<boolean> {
  renewing ??= (async () => {
    try {
      const res = await fetch('/api/auth/token', { credentials: 'same-origin', cache: 'no-store' })
      if (!res.ok) {
        accessToken = null
        return false
      }
      accessToken = ((await res.json()) as { token: string }).token
      return true
    } catch {
      return false
    } finally {
      renewing = null
    }
  })()
  return renewing
}

export type RequestOptions = {
  method?: string
  body?: unknown
  signal?: AbortSignal
  /** For sign-in and sign-up: no token sent, none renewed, a 401 is just an answer. */
  anonymous?: boolean
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const send = () =>
    fetch(path, {
      method: options.method ?? 'GET',
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(accessToken && !options.anonymous ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    })

  let res: Response
  try {
    // No token yet: get one from the session first; then a 401 is final.
    const renewedFirst = !accessToken && !options.anonymous
    if (renewedFirst) await renewAccessToken()
    res = await send()
    if (res.status === 401 && !options.anonymous && !renewedFirst && (await renewAccessToken())) res = await send()
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err
    throw new ApiError(0, OFFLINE)
  }
  if (res.status === 401 && !options.anonymous) for (const listener of unauthorizedListeners) listener()
  if (!res.ok) throw await toApiError(res)
  return (res.status === 204 ? undefined : await res.json()) as T
}
