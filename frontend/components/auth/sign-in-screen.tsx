'use client'

import Link from 'next/link'
import { useSearchParams } from 'next/navigation'
import { type FormEvent, Suspense, useRef, useState } from 'react'
import { AuthCard, AuthFormSkeleton, linkClass } from '@/components/auth/auth-card'
import { EmailField } from '@/components/auth/email-field'
import { PasswordField } from '@/components/auth/password-field'
import { ResendVerification } from '@/components/auth/resend-verification'
import { SwitchAuthLink } from '@/components/auth/switch-link'
import { useAfterAuth } from '@/components/auth/use-after-auth'
import { useFocusField } from '@/components/auth/use-focus-field'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { ApiError } from '@/lib/api'

type Errors = { email?: string; password?: string }

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

function SignInForm() {
  const { signIn } = useAuth()
  useAfterAuth()
  const form = useRef<HTMLFormElement>(null)
  const focusField = useFocusField(form)

  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<Errors>({})
  const [alert, setAlert] = useState<string>()
  const [unverified, setUnverified] = useState<string>()
  const [pending, setPending] = useState(false)
  const deleted = useSearchParams().get('deleted') === '1'

  function showErrors(found: Errors) {
    setErrors(found)
    if (found.email) focusField('email')
    else if (found.password) focusField('password')
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (pending) return
    setAlert(undefined)
    setUnverified(undefined)

    const missing: Errors = {}
    if (!email.trim()) missing.email = 'Enter your email address'
    if (!password) missing.password = 'Enter your password'
    if (missing.email || missing.password) return showErrors(missing)

    setErrors({})
    setPending(true)
    try {
      await signIn(email, password)
      // Signed in: useAfterAuth takes us on; the button says "Signing in…" until then.
    } catch (err) {
      setPending(false)
      if (!(err instanceof ApiError)) {
        setAlert('Something went wrong. Please try again.')
        return
      }
      const { email: emailError, password: passwordError } = err.fieldErrors()
      if (err.status === 422 && (emailError || passwordError)) {
        return showErrors({ email: emailError, password: passwordError })
      }
      // REQUIRE_EMAIL_VERIFICATION (decision 009): the password was right, the address is not verified yet.
      if (err.status === 403 && err.code === 'EMAIL_NOT_VERIFIED') {
        setAlert(`Verify your email address to sign in: open the link we sent to ${email.trim()}.`)
        setUnverified(email.trim())
        return
      }
      // 401 "Invalid email or password", 429, offline…: keep the email, start the password again.
      setAlert(err.message)
      if (err.status === 401) {
        setPassword('')
        focusField('password')
      }
    }
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-5">
      {deleted ? <FormStatus message="Your account and all its tasks have been deleted." /> : null}
      <FormAlert message={alert} />
      {unverified ? <ResendVerification email={unverified} /> : null}
      <EmailField
        value={email}
        onChange={(e) => {
          setEmail(e.target.value)
          if (errors.email) setErrors({ ...errors, email: undefined })
        }}
        error={errors.email}
      />
      <PasswordField
        label="Password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => {
          setPassword(e.target.value)
          if (errors.password) setErrors({ ...errors, password: undefined })
        }}
        error={errors.password}
      />
      <p className="-mt-3 text-right text-sm">
        <Link href="/forgot-password" className={linkClass}>
          Forgot password?
        </Link>
      </p>
      <Button type="submit" pending={pending} className="w-full py-2.5">
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  )
}
