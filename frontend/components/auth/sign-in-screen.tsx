'use client'

import Link from 'next/link'
import { useSearchParams } from 'next/navigation'
import { type FormEvent, type ReactNode, Suspense, useEffect, useState } from 'react'
import { AuthCard, AuthFormSkeleton, linkClass } from '@/components/auth/auth-card'
import { EmailField } from '@/components/auth/email-field'
import { PasskeySignIn } from '@/components/auth/passkey-sign-in'
import { CurrentPasswordField } from '@/components/auth/password-field'
import { ResendVerification } from '@/components/auth/resend-verification'
import { SignInCodeStep } from '@/components/auth/sign-in-code-step'
import { SwitchAuthLink } from '@/components/auth/switch-link'
import { useAfterAuth } from '@/components/auth/use-after-auth'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useApiForm } from '@/components/ui/use-api-form'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import { endedMessage } from '@/lib/live-sync/events'
import type { MfaRequired } from '@/lib/types'

/** Said on the password step when the second step's `mfa_token` ended (expired, or its 3rd wrong code). */
export const SIGN_IN_EXPIRED = 'This sign-in has expired; enter your password again.'

const DELETED = 'Your account and all its tasks have been deleted.'

export function SignInScreen() {
  return (
    <Suspense fallback={<PasswordCard>{<AuthFormSkeleton fields={2} />}</PasswordCard>}>
      <SignInSteps />
    </Suspense>
  )
}

function PasswordCard({ children }: { children: ReactNode }) {
  return (
    <AuthCard
      title="Sign in to Taskwell"
      description="Welcome back."
      footer={
        <>
          New to Taskwell? <SwitchAuthLink to="/signup">Create an account</SwitchAuthLink>
        </>
      }
    >
      {children}
    </AuthCard>
  )
}

/**
 * The password step, then (for an account with TOTP on) the code step. The email outlives the
 * steps, so going back to the password keeps it; the password itself is never kept.
 */
function SignInSteps() {
  useAfterAuth()
  const [email, setEmail] = useState('')
  const [challenge, setChallenge] = useState<MfaRequired | null>(null)
  // Back from the code step (with why, when it ended on its own).
  const [back, setBack] = useState<{ notice?: string }>()

  if (challenge) {
    const goBack = (notice?: string) => {
      setBack({ notice })
      setChallenge(null)
    }
    return (
      <SignInCodeStep
        email={email.trim()}
        challenge={challenge}
        onExpired={() => goBack(SIGN_IN_EXPIRED)}
        onCancel={() => goBack()}
      />
    )
  }
  return (
    <PasswordCard>
      <PasswordStep
        email={email}
        setEmail={setEmail}
        notice={back?.notice}
        returning={back !== undefined}
        onSecondFactor={setChallenge}
      />
    </PasswordCard>
  )
}

const FIELDS = ['email', 'password'] as const

function PasswordStep({
  email,
  setEmail,
  notice,
  returning,
  onSecondFactor,
}: {
  email: string
  setEmail(email: string): void
  /** A message from the step before (e.g. the sign-in expired), until the next submit. */
  notice: string | undefined
  /** Back from the code step: focus goes to the password. */
  returning: boolean
  onSecondFactor(challenge: MfaRequired): void
}) {
  const { signIn, status } = useAuth()
  const { form, errors, alert, pending, submit, showErrors, focusField, setAlert, onInput } = useApiForm(FIELDS)
  const [password, setPassword] = useState('')
  const [unverified, setUnverified] = useState<string>()
  const [shownNotice, setShownNotice] = useState(notice)
  const [note, setNote] = useState<string>() // e.g. "Passkey sign-in was cancelled."
  const params = useSearchParams()
  const deleted = params.get('deleted') === '1'
  // Why the session ended (live sync, `?ended=`): put into the live region after it is on the
  // page, so screen readers read it out rather than find it already there.
  const endedReason = params.get('ended')
  const [ended, setEnded] = useState<string>()
  useEffect(() => setEnded(endedMessage(endedReason)), [endedReason])
  // Signed in: useAfterAuth takes us on; the button says "Signing in…" until then.
  const busy = pending || status === 'signed-in'
  useFocusOnMount(() => form.current?.elements.namedItem('password') as HTMLElement | null, returning)

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    setAlert(undefined)
    setShownNotice(undefined)
    setNote(undefined)
    setEnded(undefined)
    setUnverified(undefined)
    const missing: Partial<Record<(typeof FIELDS)[number], string>> = {}
    if (!email.trim()) missing.email = 'Enter your email address'
    if (!password) missing.password = 'Enter your password'
    if (missing.email || missing.password) return showErrors(missing)

    await submit(
      async () => {
        const { secondFactor } = await signIn(email, password)
        if (secondFactor) onSecondFactor(secondFactor)
      },
      (err) => {
        // REQUIRE_EMAIL_VERIFICATION (decision 009): the password was right, the address is not verified yet.
        if (err.status === 403 && err.code === 'EMAIL_NOT_VERIFIED') {
          setAlert(`Verify your email address to sign in: open the link we sent to ${email.trim()}.`)
          setUnverified(email.trim())
          return true
        }
        // 401 "Invalid email or password": keep the email, start the password again.
        if (err.status !== 401) return false
        setAlert(err.message)
        setPassword('')
        focusField('password')
        return true
      },
    )
  }

  return (
    <>
      <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-5">
        <FormStatus
          message={note ?? (deleted ? DELETED : ended)}
          tone={note || (!deleted && ended) ? 'neutral' : 'success'}
        />
        <FormAlert message={alert ?? shownNotice} />
        {unverified ? <ResendVerification email={unverified} /> : null}
        <EmailField value={email} onChange={onInput('email', setEmail)} error={errors.email} />
        <CurrentPasswordField value={password} onChange={onInput('password', setPassword)} error={errors.password} />
        <p className="-mt-3 text-right text-sm">
          <Link href="/forgot-password" className={linkClass}>
            Forgot password?
          </Link>
        </p>
        <Button type="submit" pending={busy} className="w-full py-2.5">
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      <PasskeySignIn
        disabled={busy}
        onMessage={(message) => {
          setAlert(message.alert)
          setNote(message.note)
          setShownNotice(undefined)
          setUnverified(undefined)
        }}
      />
    </>
  )
}
