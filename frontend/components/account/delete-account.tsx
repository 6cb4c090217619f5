'use client'

import { type FormEvent, useState } from 'react'
import { CurrentPasswordField } from '@/components/auth/password-field'
import { Button } from '@/components/ui/button'
import { useFieldIds } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { deleteAccount } from '@/lib/account'

/** The danger zone: the password and an explicit "I understand", then the account is gone. */
export function DeleteAccount({ onDeleted }: { onDeleted(): void }) {
  const { form, errors, alert, pending, submit, showErrors, clearError, onInput } = useApiForm([
    'password',
    'confirm',
  ] as const)
  const [password, setPassword] = useState('')
  const [confirmed, setConfirmed] = useState(false)

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const missing = {
      password: password ? undefined : 'Enter your password',
      confirm: confirmed ? undefined : 'Tick this box to confirm',
    }
    if (missing.password || missing.confirm) return showErrors(missing)
    if (await submit(() => deleteAccount(password))) onDeleted()
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-4">
      <FormAlert message={alert} />
      <CurrentPasswordField value={password} onChange={onInput('password', setPassword)} error={errors.password} />
      <ConfirmBox
        checked={confirmed}
        onChange={(checked) => {
          setConfirmed(checked)
          clearError('confirm')
        }}
        error={errors.confirm}
      />
      <Button type="submit" variant="danger" pending={pending} className="w-full sm:w-auto">
        {pending ? 'Deleting…' : 'Delete my account'}
      </Button>
    </form>
  )
}

function ConfirmBox({
  checked,
  onChange,
  error,
}: {
  checked: boolean
  onChange(checked: boolean): void
  error: string | undefined
}) {
  const { id, errorId, describedBy } = useFieldIds(error, undefined)
  return (
    <div>
      <div className="flex items-start gap-3">
        <input
          id={id}
          type="checkbox"
          name="confirm"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          className="mt-0.5 size-5 shrink-0 accent-red-600"
        />
        <label htmlFor={id} className="text-sm text-slate-700 dark:text-slate-200">
          I understand that my account, my tasks and my sessions will be deleted for good.
        </label>
      </div>
      <p id={errorId} aria-live="polite" className="mt-1 text-sm text-red-600 dark:text-red-400">
        {error ?? ''}
      </p>
    </div>
  )
}
