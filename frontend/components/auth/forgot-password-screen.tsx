'use client'

import Link from 'next/link'
import { type FormEvent, useState } from 'react'
import { AuthCard, linkClass } from '@/components/auth/auth-card'
import { EmailField } from '@/components/auth/email-field'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useApiForm } from '@/components/ui/use-api-form'
import { RESET_LINK_LIFETIME } from '@/lib/api/limits'
import { requestPasswordReset } from '@/lib/email-links'

/** The same words whether or not the address has an account (decision 009: no enumeration). */
const LINK_SENT = `If an account exists for that address, we sent a link to choose a new password. It works for ${RESET_LINK_LIFETIME}; if it has not arrived, check your spam folder.`

export function ForgotPasswordScreen() {
  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter your account’s email and we’ll send you a link to choose a new one."
      footer={
        <>
          Remembered it?{' '}
          <Link href="/signin" className={linkClass}>
            Sign in
          </Link>
        </>
      }
    >
      <ForgotPasswordForm />
    </AuthCard>
  )
}

function ForgotPasswordForm() {
  const { form, errors, alert, success, pending, submit, showErrors, setSuccess, onInput } = useApiForm([
    'email',
  ] as const)
  const [email, setEmail] = useState('')

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!email.trim()) return showErrors({ email: 'Enter your email address' })
    if (await submit(() => requestPasswordReset(email))) setSuccess(LINK_SENT)
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-5">
      <FormAlert message={alert} />
      <FormStatus message={success} />
      <EmailField value={email} onChange={onInput('email', setEmail)} error={errors.email} />
      <Button type="submit" pending={pending} className="w-full py-2.5">
        {pending ? 'Sending…' : success ? 'Send another link' : 'Send reset link'}
      </Button>
    </form>
  )
}
