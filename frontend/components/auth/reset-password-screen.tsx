'use client'

import Link from 'next/link'
import { type FormEvent, useState } from 'react'
import { AuthCard, AuthFormSkeleton, linkClass } from '@/components/auth/auth-card'
import { PasswordField } from '@/components/auth/password-field'
import { PasswordRules } from '@/components/auth/password-rules'
import { useHashToken } from '@/components/auth/use-hash-token'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { RESET_LINK_LIFETIME } from '@/lib/api/limits'
import { confirmPasswordReset } from '@/lib/email-links'

export function ResetPasswordScreen() {
  const token = useHashToken()
  if (token === undefined) {
    return (
      <AuthCard title="Choose a new password">
        <AuthFormSkeleton fields={1} />
      </AuthCard>
    )
  }
  if (token === null) return <BadLink />
  // A new link opened in this tab starts over.
  return <ResetPassword key={token} token={token} />
}

function ResetPassword({ token }: { token: string }) {
  const [state, setState] = useState<'form' | 'done' | 'bad-link'>('form')
  if (state === 'bad-link') return <BadLink />
  if (state === 'done') return <Done />
  return (
    <AuthCard
      title="Choose a new password"
      description="You’ll be signed out everywhere, then you can sign in with it."
    >
      <ResetPasswordForm token={token} onDone={() => setState('done')} onBadLink={() => setState('bad-link')} />
    </AuthCard>
  )
}

function ResetPasswordForm({ token, onDone, onBadLink }: { token: string; onDone(): void; onBadLink(): void }) {
  const { status, forgetSession } = useAuth()
  const { form, errors, alert, pending, submit, showErrors, onInput } = useApiForm(['new_password'] as const)
  const [password, setPassword] = useState('')

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (!password) return showErrors({ new_password: 'Choose a password' })
    const ok = await submit(
      () => confirmPasswordReset(token, password),
      (err) => {
        const badLink = err.status === 422 && Boolean(err.fieldErrors().token)
        if (badLink) onBadLink()
        return badLink
      },
    )
    if (!ok) return
    // The reset ended every session of the account, this tab's included if it had one.
    if (status === 'signed-in') forgetSession()
    onDone()
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-5">
      <FormAlert message={alert} />
      <PasswordField
        label="New password"
        name="new_password"
        autoComplete="new-password"
        required
        value={password}
        onChange={onInput('new_password', setPassword)}
        hint={<PasswordRules password={password} />}
        error={errors.new_password}
      />
      <Button type="submit" pending={pending} className="w-full py-2.5">
        {pending ? 'Saving…' : 'Set new password'}
      </Button>
    </form>
  )
}

function Done() {
  return (
    <AuthCard title="Password changed">
      <div role="status" className="space-y-4 text-sm">
        <p>Your new password is set, and every device that was signed in has been signed out.</p>
        <Link
          href="/signin"
          className="inline-flex w-full items-center justify-center rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Sign in
        </Link>
      </div>
    </AuthCard>
  )
}

function BadLink() {
  return (
    <AuthCard title="Choose a new password">
      <div role="alert" className="space-y-4 text-sm">
        <p className="font-medium">This link is invalid or has expired.</p>
        <p className="text-slate-600 dark:text-slate-400">
          Reset links work once, for {RESET_LINK_LIFETIME}. Ask for a new one and use the latest email.
        </p>
        <Link href="/forgot-password" className={linkClass}>
          Send me a new link
        </Link>
      </div>
    </AuthCard>
  )
}
