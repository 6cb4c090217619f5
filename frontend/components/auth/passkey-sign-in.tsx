'use client'

/**
 * "Sign in with a passkey" on the sign-in page: no email typed, the browser offers this site's
 * passkeys. Shown only where the browser has WebAuthn. A closed prompt is not an error: it says
 * so calmly and the password form is still there. What it has to say goes to the page's one
 * alert and status (`onMessage`), so a screen reader hears one of each.
 */
import { useState } from 'react'
import { useAuth } from '@/components/auth-provider'
import { Button } from '@/components/ui/button'
import { useWebAuthnSupported } from '@/components/ui/use-webauthn-supported'
import { ApiError } from '@/lib/api'
import { wasCancelled } from '@/lib/webauthn'

export const PASSKEY_CANCELLED = 'Passkey sign-in was cancelled.'
export const PASSKEY_NOT_RECOGNISED =
  'That passkey is not recognised. It may have been removed from your account: sign in with your password instead.'
const BROWSER_REFUSED = 'Your browser could not use a passkey here. Sign in with your password instead.'

export type PasskeyMessage = { alert?: string; note?: string }

export function PasskeySignIn({
  disabled = false,
  onMessage,
}: {
  disabled?: boolean
  /** Called with {} when an attempt starts (clear the page's messages), then with what went wrong, if anything. */
  onMessage(message: PasskeyMessage): void
}) {
  const { signInWithPasskey, status } = useAuth()
  const supported = useWebAuthnSupported()
  const [pending, setPending] = useState(false)

  if (!supported) return null

  async function handleClick() {
    if (pending) return
    onMessage({})
    setPending(true)
    try {
      await signInWithPasskey()
      return // signed in: useAfterAuth takes us on, and the button stays busy until then
    } catch (err) {
      if (wasCancelled(err)) onMessage({ note: PASSKEY_CANCELLED })
      else if (err instanceof ApiError)
        onMessage({ alert: err.code === 'INVALID_PASSKEY' ? PASSKEY_NOT_RECOGNISED : err.message })
      else onMessage({ alert: BROWSER_REFUSED })
    }
    setPending(false)
  }

  return (
    <div className="mt-5 space-y-3">
      <p className="flex items-center gap-3 text-xs tracking-wide text-slate-500 uppercase dark:text-slate-400">
        <span aria-hidden="true" className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
        or
        <span aria-hidden="true" className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
      </p>
      <Button
        variant="secondary"
        pending={pending}
        disabled={disabled || status === 'signed-in'}
        onClick={handleClick}
        className="w-full py-2.5"
      >
        <KeyIcon />
        {pending ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </Button>
    </div>
  )
}

function KeyIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-4 shrink-0">
      <path
        fillRule="evenodd"
        d="M8 7a5 5 0 1 1 3.61 4.804l-1.903 1.903A1 1 0 0 1 9 14H8v1a1 1 0 0 1-1 1H6v1a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1v-2a1 1 0 0 1 .293-.707L8.196 8.39A5.002 5.002 0 0 1 8 7Zm5-3a.75.75 0 0 0 0 1.5A1.5 1.5 0 0 1 14.5 7 .75.75 0 0 0 16 7a3 3 0 0 0-3-3Z"
        clipRule="evenodd"
      />
    </svg>
  )
}
