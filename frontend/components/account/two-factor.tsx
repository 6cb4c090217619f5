'use client'

/**
 * The account page's "Two-factor authentication" section (API.md "TOTP and recovery codes"):
 * off → password → QR code and first code → recovery codes shown once → on; then new recovery
 * codes or turning it off, each behind the password and a code. Each step that replaces another
 * takes the focus, so the page can be used by keyboard and screen reader alone.
 */
import { useState } from 'react'
import { useAuth } from '@/components/auth-provider'
import { NotLoaded } from '@/components/ui/not-loaded'
import { useLoaded } from '@/components/ui/use-loaded'
import { beginTotp, disableTotp, getTwoFactorStatus, regenerateRecoveryCodes } from '@/lib/two-factor'
import type { RecoveryCodes, TotpEnrolment } from '@/lib/types'
import { ReauthForm } from './reauth-form'
import { RecoveryCodesPanel } from './recovery-codes'
import { TotpEnrolmentPanel } from './totp-enrolment'
import { TwoFactorSummary } from './two-factor-summary'

type View =
  | { step: 'summary'; focus?: boolean; status?: string; alert?: string }
  | { step: 'begin' }
  | { step: 'enrolling'; enrolment: TotpEnrolment }
  | { step: 'codes'; codes: RecoveryCodes; status: string }
  | { step: 'regenerate' }
  | { step: 'disable' }

export const SIGNS_OUT_OTHERS =
  'Turning it on signs you out on every other device and browser; this one stays signed in.'

export function TwoFactor({ refreshKey, onChange }: { refreshKey: number; onChange(): void }) {
  const { user } = useAuth()
  const { data: state, error, reload, setData } = useLoaded(getTwoFactorStatus, [refreshKey])
  const [view, setView] = useState<View>({ step: 'summary' })
  const back = (patch: Omit<Extract<View, { step: 'summary' }>, 'step'> = {}) =>
    setView({ step: 'summary', focus: true, ...patch })
  const conflict = (alert: string) => {
    back({ alert })
    reload()
  }

  switch (view.step) {
    case 'begin':
      return (
        <ReauthForm
          title="Turn on two-factor authentication"
          secondFactor={false}
          submitLabel="Continue"
          pendingLabel="Checking…"
          onSubmit={async (password) => setView({ step: 'enrolling', enrolment: await beginTotp(password) })}
          onConflict={conflict}
          onCancel={() => back()}
        >
          Enter your password to get a key for your authenticator app.
        </ReauthForm>
      )
    case 'enrolling':
      return (
        <TotpEnrolmentPanel
          enrolment={view.enrolment}
          onConfirmed={(codes) => {
            setView({
              step: 'codes',
              codes,
              status: 'Two-factor authentication is on. Your other devices were signed out.',
            })
            reload()
            onChange() // sessions were signed out, and the security log has a new entry
          }}
          onConflict={conflict}
          onCancel={() => back()}
        />
      )
    case 'codes':
      return (
        <RecoveryCodesPanel codes={view.codes} email={user?.email ?? ''} status={view.status} onDone={() => back()} />
      )
    case 'regenerate':
      return (
        <ReauthForm
          title="Get new recovery codes"
          secondFactor
          submitLabel="Get new codes"
          pendingLabel="Making codes…"
          onSubmit={async (password, proof) => {
            if (!proof) return
            const codes = await regenerateRecoveryCodes(password, proof)
            setView({ step: 'codes', codes, status: 'New recovery codes made. Your old codes no longer work.' })
            reload()
            onChange()
          }}
          onConflict={conflict}
          onCancel={() => back()}
        >
          Your current recovery codes will stop working. No one is signed out.
        </ReauthForm>
      )
    case 'disable':
      return (
        <ReauthForm
          title="Turn off two-factor authentication"
          secondFactor
          variant="danger"
          submitLabel="Turn off"
          pendingLabel="Turning off…"
          onSubmit={async (password, proof) => {
            if (!proof) return
            await disableTotp(password, proof)
            setData((s) => s && { ...s, totp_enabled: false, totp_enabled_at: null, recovery_codes_remaining: 0 })
            back({ status: 'Two-factor authentication is off. Signing in asks for your password only.' })
            reload()
            onChange()
          }}
          onConflict={conflict}
          onCancel={() => back()}
        >
          Signing in will ask for your password only, and your recovery codes will stop working. You stay signed in on
          your devices.
        </ReauthForm>
      )
    default:
      break
  }

  if (!state) return <NotLoaded error={error} reload={reload} loading="Loading…" />
  return (
    <TwoFactorSummary
      state={state}
      focus={view.focus ?? false}
      status={view.status}
      alert={view.alert}
      onBegin={() => setView({ step: 'begin' })}
      onRegenerate={() => setView({ step: 'regenerate' })}
      onDisable={() => setView({ step: 'disable' })}
    />
  )
}
