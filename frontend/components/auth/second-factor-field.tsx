'use client'

/**
 * Where a second factor is asked for: one field for the 6-digit code of an authenticator app,
 * with a switch to a recovery code below it. The code brings up a numeric keyboard and lets the
 * browser offer a code it received (`one-time-code`); a recovery code is plain text that
 * nothing should remember (`off`). The control is named after its API field (`code` or
 * `recovery_code`), so useApiForm pins a problem on it and focuses it.
 */
import type { ChangeEvent } from 'react'
import { Field } from '@/components/ui/field'
import type { SecondFactorMethod } from '@/lib/types'

export const CODE_HINT = 'The 6-digit code your authenticator app shows for Taskwell.'
export const RECOVERY_CODE_HINT =
  'One of the codes you saved when you turned on two-factor authentication, like abcde-12345.'

export function SecondFactorField({
  method,
  onMethodChange,
  value,
  onChange,
  error,
  disabled,
  recoveryCodes = true,
}: {
  method: SecondFactorMethod
  /** The switch was pressed: clear the value and focus the field again. */
  onMethodChange(method: SecondFactorMethod): void
  value: string
  onChange(event: ChangeEvent<HTMLInputElement>): void
  error: string | undefined
  disabled?: boolean
  /** Offer the switch to a recovery code (default: yes). */
  recoveryCodes?: boolean
}) {
  const totp = method === 'code'
  return (
    <div>
      {totp ? (
        <Field
          key="code"
          label="Authentication code"
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          hint={CODE_HINT}
          required
          value={value}
          onChange={onChange}
          error={error}
          disabled={disabled}
        />
      ) : (
        <Field
          key="recovery_code"
          label="Recovery code"
          name="recovery_code"
          type="text"
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          hint={RECOVERY_CODE_HINT}
          required
          value={value}
          onChange={onChange}
          error={error}
          disabled={disabled}
        />
      )}
      {recoveryCodes ? (
        <button
          type="button"
          onClick={() => onMethodChange(totp ? 'recovery_code' : 'code')}
          className="mt-2 rounded-md text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
        >
          {totp ? 'Use a recovery code' : 'Use your authenticator app'}
        </button>
      ) : null}
    </div>
  )
}

/** What the form sends: the value as typed (the API ignores spaces, hyphens and case), under its method's name. */
export const proofOf = (method: SecondFactorMethod, value: string) =>
  method === 'code' ? { code: value.trim() } : { recovery_code: value.trim() }

/** The form's own check before calling the API, or undefined when the value may be sent. */
export function checkSecondFactor(method: SecondFactorMethod, value: string): string | undefined {
  if (method === 'recovery_code') return value.trim() ? undefined : 'Enter a recovery code'
  if (!value.trim()) return 'Enter the 6-digit code from your authenticator app'
  return /^\d{6}$/.test(value.replace(/\s/g, '')) ? undefined : 'A code is 6 digits, like 123456'
}
