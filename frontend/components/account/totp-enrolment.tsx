'use client'

/**
 * Turning TOTP on, once the password was checked: the secret as a QR code drawn in the page
 * (nothing leaves for a QR service) and as text, then a first code to prove the app has it.
 */
import { QRCodeSVG } from 'qrcode.react'
import { type FormEvent, useRef, useState } from 'react'
import { CODE_HINT, checkSecondFactor } from '@/components/auth/second-factor-field'
import { Button } from '@/components/ui/button'
import { Field } from '@/components/ui/field'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useApiForm } from '@/components/ui/use-api-form'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import { confirmTotp } from '@/lib/two-factor'
import type { RecoveryCodes, TotpEnrolment } from '@/lib/types'
import { Time } from './time'
import { SIGNS_OUT_OTHERS } from './two-factor-summary'

/** The base32 secret in groups of four, for reading and typing. */
export const groupSecret = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret

export function TotpEnrolmentPanel({
  enrolment,
  onConfirmed,
  onConflict,
  onCancel,
}: {
  enrolment: TotpEnrolment
  onConfirmed(codes: RecoveryCodes): void
  /** 409: the setup expired or was replaced, or TOTP is on already (another tab): `message` says which. */
  onConflict(message: string): void
  onCancel(): void
}) {
  const heading = useRef<HTMLHeadingElement>(null)
  useFocusOnMount(() => heading.current)
  const { form, errors, alert, pending, submit, showErrors, onInput } = useApiForm(['code'] as const)
  const [code, setCode] = useState('')
  const [copied, setCopied] = useState<string>()

  async function copySecret() {
    try {
      await navigator.clipboard.writeText(enrolment.secret)
      setCopied('Copied the key.')
    } catch {
      setCopied('Could not copy: select the key and copy it.')
    }
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const problem = checkSecondFactor('code', code)
    if (problem) return showErrors({ code: problem })
    let codes: RecoveryCodes = []
    const confirmed = await submit(
      async () => {
        codes = await confirmTotp(code)
      },
      (err) => {
        if (err.status !== 409) return false
        onConflict(err.message)
        return true
      },
    )
    if (confirmed) onConfirmed(codes)
  }

  return (
    <div className="space-y-4">
      <h3 ref={heading} tabIndex={-1} className="text-base font-semibold outline-none">
        Scan this QR code with your authenticator app
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Use an app such as 1Password, Google Authenticator, Microsoft Authenticator or Aegis. Finish before{' '}
        <Time iso={enrolment.expires_at} />, or begin again.
      </p>
      <div className="flex flex-col items-center gap-4 sm:flex-row sm:items-start">
        <div className="shrink-0 rounded-lg border border-slate-200 bg-white p-2 dark:border-slate-700">
          <QRCodeSVG
            value={enrolment.otpauth_uri}
            size={176}
            marginSize={2}
            role="img"
            aria-label="QR code of your two-factor key, for your authenticator app"
            title="QR code of your two-factor key"
          />
        </div>
        <div className="w-full min-w-0 space-y-2">
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Can’t scan it? Enter this key in the app instead:
          </p>
          <p>
            <code
              data-testid="totp-secret"
              className="block rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-base tracking-wide break-words dark:border-slate-800 dark:bg-slate-950"
            >
              {groupSecret(enrolment.secret)}
            </code>
          </p>
          <Button variant="secondary" onClick={copySecret} className="w-full sm:w-auto">
            Copy key
          </Button>
          <FormStatus message={copied} tone="neutral" />
        </div>
      </div>

      <form ref={form} noValidate onSubmit={handleSubmit} className="space-y-4">
        <FormAlert message={alert} />
        <Field
          label="Code from your app"
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          hint={CODE_HINT}
          required
          value={code}
          onChange={onInput('code', setCode)}
          error={errors.code}
        />
        <p className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          {SIGNS_OUT_OTHERS}
        </p>
        <div className="flex flex-col gap-3 sm:flex-row">
          <Button type="submit" pending={pending} className="w-full sm:w-auto">
            {pending ? 'Turning on…' : 'Turn on two-factor authentication'}
          </Button>
          <Button variant="secondary" onClick={onCancel} disabled={pending} className="w-full sm:w-auto">
            Cancel
          </Button>
        </div>
      </form>
    </div>
  )
}
