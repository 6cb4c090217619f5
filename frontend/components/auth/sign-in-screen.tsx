'use client'

import Link from 'next/link'
import { useSearchParams } from 'next/navigation'
import { type FormEvent, Suspense, useState } from 'react'
import { AuthCard, AuthFormSkeleton, linkClass } from '@/components/auth/auth-card'
import { EmailField } from '@/components/auth/email-field'
import { PasswordField } from '@/components/auth/password-field'
import { ResendVerification } from '@/components/auth/resend-verification'
import { SwitchAuthLink } from '@/components/auth/switch-link'
import { useAfterAuth } from '@/components/auth/use-after-auth'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useApiForm } from '@/components/ui/use-api-form'

export function SignInScreen() {
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
      <Suspense fallback={<AuthFormSkeleton fields={2} />}>
        <SignInForm />
      </Suspense>
    </AuthCard>
  )
}

const FIELDS = ['email', 'password'] as const

function SignInForm() {
  const { signIn, status } = useAuth()
  useAfterAuth()
  const { form, errors, alert, pending, submit, showErrors, focusField, setAlert, onInput } = useApiForm(FIELDS)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [unverified, setUnverified] = useState<string>()
  const deleted = useSearchParams().get('deleted') === '1'
  // Signed in: useAfterAuth takes us on; the button says "Signing in…" until then.
  const busy = pending || status === 'signed-in'

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    setAlert(undefined)
    setUnverified(undefined)
    const missing: Partial<Record<(typeof FIELDS)[number], string>> = {}
    if (!email.trim()) missing.email = 'Enter your email address'
    if (!password) missing.password = 'Enter your password'
    if (missing.email || missing.password) return showErrors(missing)

    await submit(
      () => signIn(email, password),
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
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-5">
      {deleted ? <FormStatus message="Your account and all its tasks have been deleted." /> : null}
      <FormAlert message={alert} />
      {unverified ? <ResendVerification email={unverified} /> : null}
      <EmailField value={email} onChange={onInput('email', setEmail)} error={errors.email} />
      <PasswordField
        label="Password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={onInput('password', setPassword)}
        error={errors.password}
      />
      <p className="-mt-3 text-right text-sm">
        <Link href="/forgot-password" className={linkClass}>
          Forgot password?
        </Link>
      </p>
      <Button type="submit" pending={busy} className="w-full py-2.5">
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  )
}
