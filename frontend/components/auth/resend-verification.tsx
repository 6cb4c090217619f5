'use client'

/** "Resend verification email" for `email`, with an answer that never says whether the account exists. */
import { useState } from 'react'
import { Button } from '@/components/ui/button'
import { errorMessage } from '@/lib/api'
import { VERIFICATION_LINK_LIFETIME } from '@/lib/api/limits'
import { resendVerification } from '@/lib/email-links'

export const RESENT = `If that address still needs verifying, we sent a new link. It is valid for ${VERIFICATION_LINK_LIFETIME}.`

export function ResendVerification({ email, className = '' }: { email: string; className?: string }) {
  const [pending, setPending] = useState(false)
  const [result, setResult] = useState<{ ok: boolean; text: string }>()

  async function resend() {
    setPending(true)
    setResult(undefined)
    try {
      await resendVerification(email)
      setResult({ ok: true, text: RESENT })
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) })
    } finally {
      setPending(false)
    }
  }

  return (
    <div className={className}>
      <Button variant="secondary" pending={pending} onClick={resend} className="w-full sm:w-auto">
        {pending ? 'Sending…' : 'Resend verification email'}
      </Button>
      <p role="status" className={result?.ok ? 'mt-2 text-sm text-slate-700 dark:text-slate-300' : ''}>
        {result?.ok ? result.text : ''}
      </p>
      <p role="alert" className={result?.ok === false ? 'mt-2 text-sm text-red-700 dark:text-red-400' : ''}>
        {result && !result.ok ? result.text : ''}
      </p>
    </div>
  )
}
