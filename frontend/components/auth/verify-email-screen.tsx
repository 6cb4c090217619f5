'use client'

import Link from 'next/link'
import { useEffect } from 'react'
import { AuthCard, linkClass } from '@/components/auth/auth-card'
import { ResendVerification } from '@/components/auth/resend-verification'
import { useHashToken } from '@/components/auth/use-hash-token'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { type Loaded, useLoaded } from '@/components/ui/use-loaded'
import { VERIFICATION_LINK_LIFETIME } from '@/lib/api/limits'
import { verifyEmail } from '@/lib/email-links'

type State = { is: 'verifying' } | { is: 'verified' } | { is: 'bad-link' } | { is: 'failed'; message: string }

/** `token`: undefined until the page has read the link's #token=, null when it has none. */
function stateOf(
  token: string | null | undefined,
  verification: Pick<Loaded<unknown>, 'data' | 'error' | 'loading'>,
): State {
  if (token === null) return { is: 'bad-link' }
  const { data, error, loading } = verification
  if (loading || (data === null && !error)) return { is: 'verifying' }
  if (!error) return { is: 'verified' }
  return error.status === 422 ? { is: 'bad-link' } : { is: 'failed', message: error.message }
}

export function VerifyEmailScreen() {
  const token = useHashToken()
  const { status, user, refreshUser } = useAuth()
  const verification = useLoaded(token ? () => verifyEmail(token) : null, [token])
  const state = stateOf(token, verification)

  // Whichever comes last, the sign-in check or the verification, shows the badge as verified.
  useEffect(() => {
    if (state.is === 'verified' && status === 'signed-in') refreshUser().catch(() => {})
  }, [state.is, status, refreshUser])

  const signedIn = status === 'signed-in'
  return (
    <AuthCard title="Verify your email">
      {state.is === 'verifying' ? (
        <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
          Verifying your email address…
        </p>
      ) : state.is === 'verified' ? (
        <div role="status" className="space-y-4 text-sm">
          <p className="font-medium">Your email address is verified. Thank you!</p>
          <Link href={signedIn ? '/tasks' : '/signin'} className={linkClass}>
            {signedIn ? 'Go to your tasks' : 'Sign in'}
          </Link>
        </div>
      ) : state.is === 'bad-link' ? (
        <div className="space-y-4 text-sm">
          <p role="alert" className="font-medium">
            This link is invalid or has expired.
          </p>
          {signedIn && user ? (
            <>
              <p className="text-slate-600 dark:text-slate-400">
                Links work for {VERIFICATION_LINK_LIFETIME}. We can send you a new one.
              </p>
              <ResendVerification email={user.email} />
            </>
          ) : (
            <p className="text-slate-600 dark:text-slate-400">
              Links work for {VERIFICATION_LINK_LIFETIME}.{' '}
              <Link href="/signin?next=%2Faccount" className={linkClass}>
                Sign in
              </Link>{' '}
              to have a new one sent from your account page.
            </p>
          )}
        </div>
      ) : (
        <div role="alert" className="space-y-4 text-sm">
          <p>{state.message}</p>
          <Button variant="secondary" onClick={verification.reload}>
            Try again
          </Button>
        </div>
      )}
    </AuthCard>
  )
}
