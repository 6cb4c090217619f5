'use client'

/**
 * "Prove it is you" before a change to how the account signs in: the password, and (where the
 * API asks for one) a TOTP or recovery code. Problems go next to their field; a 409 (the state
 * changed elsewhere, e.g. in another tab) goes to `onConflict`.
 */
import { type FormEvent, type ReactNode, useId, useState } from 'react'
import { CurrentPasswordField } from '@/components/auth/password-field'
import { checkSecondFactor, proofOf, SecondFactorField } from '@/components/auth/second-factor-field'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import type { SecondFactorMethod, SecondFactorProof } from '@/lib/types'

const FIELDS = ['password', 'code', 'recovery_code'] as const

export function ReauthForm({
  title,
  children,
  secondFactor,
  submitLabel,
  pendingLabel,
  variant = 'primary',
  onSubmit,
  onConflict,
  onCancel,
}: {
  title: string
  /** What will happen, said before the person confirms. */
  children?: ReactNode
  /** Ask for a TOTP or recovery code too. */
  secondFactor: boolean
  submitLabel: string
  pendingLabel: string
  variant?: 'primary' | 'danger'
  onSubmit(password: string, proof: SecondFactorProof | undefined): Promise<unknown>
  onConflict(message: string): void
  onCancel(): void
}) {
  const { form, errors, alert, pending, submit, showErrors, clearError, focusField, onInput } = useApiForm(FIELDS)
  const headingId = useId()
  useFocusOnMount(() => form.current?.elements.namedItem('password') as HTMLElement | null)
  const [password, setPassword] = useState('')
  const [method, setMethod] = useState<SecondFactorMethod>('code')
  const [value, setValue] = useState('')

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const missing = {
      password: password ? undefined : 'Enter your password',
      [method]: secondFactor ? checkSecondFactor(method, value) : undefined,
    }
    if (Object.values(missing).some(Boolean)) return showErrors(missing)
    await submit(
      () => onSubmit(password, secondFactor ? proofOf(method, value) : undefined),
      (err) => {
        if (err.status !== 409) return false
        onConflict(err.message)
        return true
      },
    )
  }

  return (
    <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-4" aria-labelledby={headingId}>
      <h3 id={headingId} className="text-base font-semibold">
        {title}
      </h3>
      {children ? <div className="text-sm text-slate-700 dark:text-slate-300">{children}</div> : null}
      <FormAlert message={alert} />
      <CurrentPasswordField value={password} onChange={onInput('password', setPassword)} error={errors.password} />
      {secondFactor ? (
        <SecondFactorField
          method={method}
          onMethodChange={(next) => {
            setMethod(next)
            setValue('')
            clearError('code')
            clearError('recovery_code')
            focusField(next)
          }}
          value={value}
          onChange={onInput(method, setValue)}
          error={errors[method]}
        />
      ) : null}
      <div className="flex flex-col gap-3 sm:flex-row">
        <Button type="submit" variant={variant} pending={pending} className="w-full sm:w-auto">
          {pending ? pendingLabel : submitLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={pending} className="w-full sm:w-auto">
          Cancel
        </Button>
      </div>
    </form>
  )
}
