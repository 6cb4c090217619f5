'use client'

/** The two-factor section at rest: on (since when, recovery codes left) or off, and what can be done next. */
import { useRef } from 'react'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useFocusOnMount } from '@/components/ui/use-focus-on-mount'
import type { TwoFactorStatus } from '@/lib/types'
import { Badge } from './email-status'
import { Time } from './time'

/** Said before TOTP is turned on (API.md: confirming revokes every other session). */
export const SIGNS_OUT_OTHERS =
  'Turning it on signs you out on every other device and browser; this one stays signed in.'

export function TwoFactorSummary({
  state,
  focus,
  status,
  alert,
  onBegin,
  onRegenerate,
  onDisable,
}: {
  state: TwoFactorStatus
  /** Back from another step: the focus comes here. */
  focus: boolean
  status: string | undefined
  alert: string | undefined
  onBegin(): void
  onRegenerate(): void
  onDisable(): void
}) {
  const line = useRef<HTMLParagraphElement>(null)
  useFocusOnMount(() => line.current, focus)
  const left = state.recovery_codes_remaining

  return (
    <div className="space-y-4">
      <FormAlert message={alert} />
      <FormStatus message={status} />
      {state.totp_enabled ? (
        <>
          <p ref={line} tabIndex={-1} className="text-sm text-slate-800 outline-none dark:text-slate-200">
            <Badge tone="ok">On</Badge> Signing in asks for your password and a code from your authenticator app
            {state.totp_enabled_at ? (
              <>
                {' '}
                (since <Time iso={state.totp_enabled_at} format="date" />)
              </>
            ) : null}
            .
          </p>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            <span className="font-medium">{left === 1 ? '1 recovery code left.' : `${left} recovery codes left.`}</span>{' '}
            {left === 0
              ? 'Get a new set, so you can still sign in if you lose your app.'
              : left <= 3
                ? 'Running low: get a new set.'
                : 'Each one signs you in once if you lose your app.'}
          </p>
          <div className="flex flex-col gap-3 sm:flex-row">
            <Button variant="secondary" onClick={onRegenerate} className="w-full sm:w-auto">
              Get new recovery codes
            </Button>
            <Button variant="secondary" onClick={onDisable} className="w-full sm:w-auto">
              Turn off two-factor authentication
            </Button>
          </div>
        </>
      ) : (
        <>
          <p ref={line} tabIndex={-1} className="text-sm text-slate-800 outline-none dark:text-slate-200">
            <Badge tone="warn">Off</Badge> Signing in asks for your password only.
          </p>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Add a code from an authenticator app, so a stolen password is not enough to get in. {SIGNS_OUT_OTHERS}
          </p>
          <Button onClick={onBegin} className="w-full sm:w-auto">
            Turn on two-factor authentication
          </Button>
        </>
      )}
    </div>
  )
}
