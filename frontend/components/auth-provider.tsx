'use client'

/**
 * Who is signed in, for the whole UI. The session lives in an HttpOnly cookie; on load we ask
 * /api/me (which renews the in-memory access token from the cookie). Any later 401 that the
 * cookie cannot fix — e.g. a sign-out in another tab — signs this tab out too.
 */
import { usePathname, useRouter } from 'next/navigation'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { ApiError, api, onUnauthorized, setAccessToken } from '@/lib/api'
import type { AuthResult, User } from '@/lib/types'

type Status = 'loading' | 'signed-in' | 'signed-out'

type AuthContextValue = {
  user: User | null
  status: Status
  /** True after the user signed out on purpose (as opposed to a session that ended). */
  deliberate: boolean
  signIn(email: string, password: string): Promise<User>
  signUp(input: { email: string; password: string; name?: string }): Promise<User>
  signOut(): Promise<void>
}

const AuthContext = createContext<AuthContextValue | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null)
  const [status, setStatus] = useState<Status>('loading')
  // A sign-out the user asked for goes to plain /signin, not "sign in to come back here".
  const [deliberate, setDeliberate] = useState(false)

  const signedOut = useCallback(() => {
    setAccessToken(null)
    setUser(null)
    setStatus('signed-out')
  }, [])

  useEffect(() => {
    let cancelled = false
    api<{ user: User }>('/api/me')
      .then(({ user }) => {
        if (cancelled) return
        setUser(user)
        setStatus('signed-in')
      })
      .catch((err: unknown) => {
        if (!cancelled && err instanceof ApiError && err.status === 401) signedOut()
        else if (!cancelled) setStatus('signed-out')
      })
    const stop = onUnauthorized(signedOut)
    return () => {
      cancelled = true
      stop()
    }
  }, [signedOut])

  const accept = useCallback((result: AuthResult) => {
    setDeliberate(false)
    setAccessToken(result.token)
    setUser(result.user)
    setStatus('signed-in')
    return result.user
  }, [])

  const value = useMemo<AuthContextValue>(
    () => ({
      user,
      status,
      signIn: async (email, password) =>
        accept(
          await api<AuthResult>('/api/auth/signin', { method: 'POST', body: { email, password }, anonymous: true }),
        ),
      signUp: async (input) =>
        accept(await api<AuthResult>('/api/auth/signup', { method: 'POST', body: input, anonymous: true })),
      deliberate,
      signOut: async () => {
        setDeliberate(true)
        try {
          await api('/api/auth/signout', { method: 'POST' })
        } finally {
          signedOut()
        }
      },
    }),
    [user, status, deliberate, accept, signedOut],
  )

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth needs <AuthProvider>')
  return value
}

/** For protected pages: the user, or a redirect to sign-in that comes back here afterwards. */
export function useRequireUser(): User | null {
  const { user, status, deliberate } = useAuth()
  const router = useRouter()
  const pathname = usePathname()
  useEffect(() => {
    if (status !== 'signed-out') return
    if (deliberate) return router.replace('/signin')
    const back = `${pathname}${window.location.search}`
    router.replace(`/signin?next=${encodeURIComponent(back)}`)
  }, [status, deliberate, pathname, router])
  return status === 'signed-in' ? user : null
}
