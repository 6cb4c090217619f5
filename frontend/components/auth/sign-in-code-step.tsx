'use client'

/**
 * The second step of a password sign-in, for an account with TOTP on (API.md "Password sign-in
 * with TOTP on"): a code from the authenticator app, or a recovery code. A wrong code stays
 * here; a sign-in that has ended (expired, or its 3rd wrong code) goes back to the password.
 */
import { type FormEvent, useState } from 'react'
import { AuthCard } from '@/components/auth/auth-card'
import { checkSecondFactor, proofOf, SecondFactorField } from '@/components/auth/second-factor-field'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { useApiForm } from '@/components/ui/use-api-form'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import type { MfaRequired, SecondFactorMethod } from '@/lib/types'

const FIELDS = ['code', 'recovery_code'] as const

export function SignInCodeStep({
  email,
  challenge,
  onExpired,
  onCancel,
}: {
  email: string
  challenge: MfaRequired
  onExpired(): void
  onCancel(): void
}) {
  const { finishSignIn, status } = useAuth()
  const { form, errors, pending, alert, submit, showErrors, clearError, focusField } = useApiForm(FIELDS)
  const [method, setMethod] = useState<SecondFactorMethod>('code')
  const [value, setValue] = useState('')
  // Signed in: useAfterAuth takes us on; the button says "Signing in…" until then.
  const busy = pending || status === 'signed-in'
  useFocusOnMount(() => form.current?.elements.namedItem('code') as HTMLElement | null)

  function switchMethod(next: SecondFactorMethod) {
    setMethod(next)
    setValue('')
    clearError('code')
    clearError('recovery_code')
    focusField(next)
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const problem = checkSecondFactor(method, value)
    if (problem) return showErrors({ [method]: problem })
    await submit(
      () => finishSignIn(challenge.mfa_token, proofOf(method, value)),
      (err) => {
        if (err.status !== 401) return false
        if (err.code === 'INVALID_MFA_TOKEN') {
          onExpired()
          return true
        }
        // INVALID_MFA_CODE: wrong, used already or out of its time window. Try again here.
        setValue('')
        showErrors({ [method]: err.message })
        return true
      },
    )
  }

  return (
    <AuthCard
      title="Two-factor authentication"
      description={
        <>
          Signing in as <span className="font-medium break-all text-slate-800 dark:text-slate-200">{email}</span>
        </>
      }
    >
      <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-5">
        <FormAlert message={alert} />
        <SecondFactorField
          method={method}
          onMethodChange={switchMethod}
          value={value}
          onChange={(event) => {
            setValue(event.target.value)
            clearError(method)
          }}
          error={errors[method]}
          recoveryCodes={challenge.methods.includes('recovery_code')}
        />
        <Button type="submit" pending={busy} className="w-full py-2.5">
          {busy ? 'Signing in…' : 'Verify and sign in'}
        </Button>
        <Button variant="ghost" onClick={onCancel} disabled={busy} className="w-full">
          Cancel and start over
        </Button>
      </form>
    </AuthCard>
  )
}
