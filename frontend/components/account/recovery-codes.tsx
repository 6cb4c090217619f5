'use client'

/**
 * A new set of recovery codes, shown this once: to copy, to download as a .txt file, and a
 * plain warning that they will not be shown again.
 */
import { useEffect, useRef, useState } from 'react'
import { Button, buttonClass } from '@/components/ui/button'
import { FormStatus } from '@/components/ui/form-status'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import type { RecoveryCodes } from '@/lib/types'

export const RECOVERY_CODES_FILE = 'taskwell-recovery-codes.txt'

/** The file's text: what the codes are for, then one code a line. */
export function recoveryCodesText(codes: RecoveryCodes, email: string, madeAt: Date): string {
  return [
    `Taskwell recovery codes for ${email}`,
    `Made ${madeAt.toISOString()}. Each code signs you in once, in place of a code from your authenticator app.`,
    'Making a new set stops these from working. Keep them somewhere safe.',
    '',
    ...codes,
    '',
  ].join('\n')
}

export function RecoveryCodesPanel({
  codes,
  email,
  status,
  onDone,
}: {
  codes: RecoveryCodes
  email: string
  /** What just happened (e.g. "Two-factor authentication is on."), announced above the codes. */
  status: string
  onDone(): void
}) {
  const heading = useRef<HTMLHeadingElement>(null)
  useFocusOnMount(() => heading.current)
  const [copied, setCopied] = useState<string>()
  const [text] = useState(() => recoveryCodesText(codes, email, new Date()))
  const download = useBlobUrl(text)

  async function copy() {
    try {
      await navigator.clipboard.writeText(text)
      setCopied('Copied the codes.')
    } catch {
      setCopied('Could not copy: select the codes and copy them, or download them.')
    }
  }

  return (
    <div className="space-y-4">
      <FormStatus message={status} />
      <h3 ref={heading} tabIndex={-1} className="text-base font-semibold outline-none">
        Save your recovery codes
      </h3>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        If you lose your authenticator app, each code signs you in once.{' '}
        <strong className="font-semibold text-slate-900 dark:text-slate-100">
          These codes will not be shown again:
        </strong>{' '}
        copy or download them now and keep them somewhere safe, such as a password manager.
      </p>
      <ol
        aria-label="Recovery codes"
        className="grid grid-cols-2 gap-x-4 gap-y-2 rounded-lg border border-slate-200 bg-slate-50 p-4 font-mono text-sm sm:grid-cols-2 sm:text-base dark:border-slate-800 dark:bg-slate-950"
      >
        {codes.map((code) => (
          <li key={code} className="break-all">
            {code}
          </li>
        ))}
      </ol>
      <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap">
        <Button variant="secondary" onClick={copy} className="w-full sm:w-auto">
          Copy codes
        </Button>
        <a href={download} download={RECOVERY_CODES_FILE} className={buttonClass('secondary', 'w-full sm:w-auto')}>
          Download as .txt
        </a>
        <Button onClick={onDone} className="w-full sm:ml-auto sm:w-auto">
          I’ve saved them
        </Button>
      </div>
      <FormStatus message={copied} tone="neutral" />
    </div>
  )
}

/** A blob: URL for `text`, revoked when it changes or the panel goes away. */
function useBlobUrl(text: string): string | undefined {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    const made = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
    setUrl(made)
    return () => URL.revokeObjectURL(made)
  }, [text])
  return url
}
