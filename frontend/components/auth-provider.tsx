'use client'

/**
 * Who is signed in, for the whole UI. The session lives in an HttpOnly cookie; on load we ask
 * /api/me (which renews the in-memory access token from the cookie). Any later 401 that the
 * cookie cannot fix — e.g. a sign-out in another tab — signs this tab out too.
 */
import { usePathname, useRouter } from 'next/navigation'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react'
import { ApiError, onUnauthorized, setAccessToken } from '@/lib/api'
import { announceSessionEnd } from '@/lib/live-sync/browser'
import type { EndReason } from '@/lib/live-sync/events'
import * as session from '@/lib/session-api'
import type { AuthResult, MfaRequired, SecondFactorProof, SignUpInput, User } from '@/lib/types'

type Status = 'loading' | 'signed-in' | 'signed-out'

type AuthContextValue = {
  user: User | null
  status: Status
  /** True after the user signed out on purpose (as opposed to a session that ended). */
  deliberate: boolean
  /** Signs in, unless the account asks for a second factor: then `secondFactor` is the challenge to finish with `finishSignIn`. */
  signIn(email: string, password: string): Promise<{ secondFactor: MfaRequired | null }>
  /** The second step of a password sign-in: a TOTP code or a recovery code. */
  finishSignIn(mfaToken: string, proof: SecondFactorProof): Promise<User>
  /** Signs in with a passkey of this site, chosen in the browser's prompt (no email typed). */
  signInWithPasskey(): Promise<User>
  /** Signs in too, unless the API wants the address verified first (`verificationRequired`). */
  signUp(input: SignUpInput): Promise<{ verificationRequired: boolean }>
  signOut(): Promise<void>
  /**
   * Forgets the session in this tab without asking the API, for when it has already ended it
   * (account deleted, password reset); the browser's other tabs are told why.
   */
  forgetSession(reason?: EndReason): void
  /**
   * The live stream said the session ended elsewhere: forget it here. False when this tab is
   * already leaving on purpose (its own sign-out), so the caller shows nothing.
   */
  sessionEnded(): boolean
  /** The session was ended by live sync; whoever called sessionEnded is taking the tab to sign-in. */
  ended: boolean
  /** Reloads the user from /api/me (e.g. after the address was verified). */
  refreshUser(): Promise<void>
  /** Takes a user the API just returned (e.g. after a name change). */
  replaceUser(user: User): void
}

const AuthContext = createContext<AuthContextValue | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null)
  const [status, setStatus] = useState<Status>('loading')
  // A sign-out the user asked for goes to plain /signin, not "sign in to come back here".
  const [deliberate, setDeliberate] = useState(false)
  const leaving = useRef(false)
  const [ended, setEnded] = useState(false)

  const signedOut = useCallback(() => {
    setAccessToken(null)
    setUser(null)
    setStatus('signed-out')
  }, [])

  useEffect(() => {
    let cancelled = false
    session
      .fetchMe()
      .then((user) => {
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
    setEnded(false)
    leaving.current = false
    setAccessToken(result.token)
    setUser(result.user)
    setStatus('signed-in')
    return result.user
  }, [])

  // Stable, so pages can call it from an effect without a loop.
  const refreshUser = useCallback(async () => {
    setUser(await session.fetchMe())
  }, [])

  const value = useMemo<AuthContextValue>(
    () => ({
      user,
      status,
      signIn: async (email, password) => {
        const result = await session.signIn(email, password)
        if (session.isMfaRequired(result)) return { secondFactor: result } // no credentials until the second step
        accept(result)
        return { secondFactor: null }
      },
      finishSignIn: async (mfaToken, proof) => accept(await session.signInSecondFactor(mfaToken, proof)),
      signInWithPasskey: async () => accept(await session.signInWithPasskey()),
      signUp: async (input) => {
        const result = await session.signUp(input)
        if (!('token' in result)) return { verificationRequired: true } // no credentials until verified
        accept(result)
        return { verificationRequired: false }
      },
      deliberate,
      signOut: async () => {
        setDeliberate(true)
        leaving.current = true
        announceSessionEnd('local')
        try {
          await session.signOut()
        } finally {
          signedOut()
        }
      },
      forgetSession: (reason = 'local') => {
        setDeliberate(true)
        leaving.current = true
        announceSessionEnd(reason)
        signedOut()
      },
      sessionEnded: () => {
        if (leaving.current) return false
        setEnded(true)
        signedOut()
        return true
      },
      ended,
      refreshUser,
      replaceUser: setUser,
    }),
    [user, status, deliberate, ended, accept, signedOut, refreshUser],
  )

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext)
  if (!value) throw new Error('useAuth needs <AuthProvider>')
  return value
}

/**
 * For protected pages: the user, or a redirect to sign-in that comes back here afterwards.
 * `leaving`: the page is signing out (or deleting the account) and goes somewhere itself.
 */
export function useRequireUser(leaving = false): User | null {
  const { user, status, deliberate, ended } = useAuth()
  const router = useRouter()
  const pathname = usePathname()
  useEffect(() => {
    if (status !== 'signed-out' || leaving || ended) return
    if (deliberate) return router.replace('/signin')
    const back = `${pathname}${window.location.search}`
    router.replace(`/signin?next=${encodeURIComponent(back)}`)
  }, [status, deliberate, pathname, router, leaving, ended])
  return status === 'signed-in' ? user : null
}
