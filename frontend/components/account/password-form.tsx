'use client'

import { type FormEvent, useState } from 'react'
import { PasswordField } from '@/components/auth/password-field'
import { PasswordRules } from '@/components/auth/password-rules'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useApiForm } from '@/components/ui/use-api-form'
import { changePassword } from '@/lib/account'

export function PasswordForm({ onChange }: { onChange(): void }) {
  const { form, errors, alert, success, pending, submit, showErrors, clearError, setSuccess, onInput } = useApiForm([
    'current_password',
    'new_password',
  ] as const)
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const missing = {
      current_password: current ? undefined : 'Enter your current password',
      new_password: next ? undefined : 'Choose a new password',
    }
    if (missing.current_password || missing.new_password) return showErrors(missing)
    if (await submit(() => changePassword(current, next))) {
      setCurrent('')
      setNext('')
      setSuccess('Password changed. Your other devices were signed out; this one stays signed in.')
      onChange()
    }
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-4">
      <FormAlert message={alert} />
      <PasswordField
        label="Current password"
        name="current_password"
        autoComplete="current-password"
        required
        value={current}
        onChange={onInput('current_password', setCurrent)}
        error={errors.current_password}
      />
      <PasswordField
        label="New password"
        name="new_password"
        autoComplete="new-password"
        required
        value={next}
        onChange={(e) => {
          setNext(e.target.value)
          clearError('new_password')
          setSuccess(undefined)
        }}
        hint={<PasswordRules password={next} />}
        error={errors.new_password}
      />
      <FormStatus message={success} />
      <Button type="submit" pending={pending} className="w-full sm:w-auto">
        {pending ? 'Changing…' : 'Change password'}
      </Button>
    </form>
  )
}
