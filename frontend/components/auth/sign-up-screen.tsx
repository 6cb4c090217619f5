'use client'

import Link from 'next/link'
import { type FormEvent, Suspense, useState } from 'react'
import { AuthCard, AuthFormSkeleton, linkClass } from '@/components/auth/auth-card'
import { EmailField } from '@/components/auth/email-field'
import { PasswordField } from '@/components/auth/password-field'
import { PasswordRules } from '@/components/auth/password-rules'
import { ResendVerification } from '@/components/auth/resend-verification'
import { SwitchAuthLink } from '@/components/auth/switch-link'
import { useAfterAuth, withNext } from '@/components/auth/use-after-auth'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { VERIFICATION_LINK_LIFETIME } from '@/lib/api/limits'

const FIELDS = ['name', 'email', 'password'] as const
type FieldName = (typeof FIELDS)[number]
type Errors = Partial<Record<FieldName, string>>

export function SignUpScreen() {
  return (
    <AuthCard
      title="Create your account"
      description="Keep track of what matters. Your tasks are visible to you alone."
      footer={
        <>
          Already have an account? <SwitchAuthLink to="/signin">Sign in</SwitchAuthLink>
        </>
      }
    >
      <Suspense fallback={<AuthFormSkeleton fields={3} />}>
        <SignUpForm />
      </Suspense>
    </AuthCard>
  )
}

function SignUpForm() {
  const { signUp, status } = useAuth()
  const { next } = useAfterAuth()
  const { form, errors, alert, pending, submit, showErrors, clearError, setAlert } = useApiForm(FIELDS)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [emailTaken, setEmailTaken] = useState(false)
  const [checkEmail, setCheckEmail] = useState<string>()
  // Signed in: useAfterAuth takes us on; the button says "Creating account…" until then.
  const busy = pending || status === 'signed-in'

  function clearFieldError(field: FieldName) {
    clearError(field)
    if (field === 'email') setEmailTaken(false)
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    setAlert(undefined)
    setEmailTaken(false)

    // Only the obvious checks here; the server decides everything else.
    const missing: Errors = {}
    if (!email.trim()) missing.email = 'Enter your email address'
    if (!password) missing.password = 'Choose a password'
    if (missing.email || missing.password) return showErrors(missing)

    await submit(
      async () => {
        const { verificationRequired } = await signUp({ email, password, ...(name.trim() ? { name } : {}) })
        if (verificationRequired) setCheckEmail(email.trim())
      },
      (err) => {
        if (err.status !== 409) return false
        setEmailTaken(true)
        showErrors({ email: err.message })
        return true
      },
    )
  }

  if (checkEmail) return <CheckYourEmail email={checkEmail} />

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-5">
      <FormAlert message={alert} />
      <Field
        label="Name"
        name="name"
        autoComplete="name"
        hint="Optional. How Taskwell greets you."
        value={name}
        onChange={(e) => {
          setName(e.target.value)
          clearFieldError('name')
        }}
        error={errors.name}
      />
      <div>
        <EmailField
          value={email}
          onChange={(e) => {
            setEmail(e.target.value)
            clearFieldError('email')
          }}
          error={errors.email}
        />
        {emailTaken ? (
          <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
            Is it yours?{' '}
            <Link href={withNext('/signin', next)} className={linkClass}>
              Sign in instead
            </Link>
          </p>
        ) : null}
      </div>
      <PasswordField
        label="Password"
        name="password"
        autoComplete="new-password"
        required
        value={password}
        onChange={(e) => {
          setPassword(e.target.value)
          clearFieldError('password')
        }}
        hint={<PasswordRules password={password} />}
        error={errors.password}
      />
      <Button type="submit" pending={busy} className="w-full py-2.5">
        {busy ? 'Creating account…' : 'Create account'}
      </Button>
    </form>
  )
}

/** REQUIRE_EMAIL_VERIFICATION (decision 009): the account exists, but signs in only once verified. */
function CheckYourEmail({ email }: { email: string }) {
  return (
    <div className="space-y-4 text-sm">
      <div role="status" className="space-y-2">
        <p className="text-base font-semibold">Check your email to verify your address</p>
        <p className="text-slate-600 dark:text-slate-400">
          We sent a link to <span className="font-medium break-all text-slate-900 dark:text-slate-100">{email}</span>.
          Open it within {VERIFICATION_LINK_LIFETIME}, then sign in.
        </p>
      </div>
      <ResendVerification email={email} />
    </div>
  )
}
