'use client'
import { NotLoaded } from '@/components/ui/not-loaded'
import { useLoaded } from '@/components/ui/use-loaded'
import { listSecurityEvents } from '@/lib/account'
import type { SecurityAction } from '@/lib/types'
import { describeUserAgent } from '@/lib/user-agent'
import { Time } from './time'

const SENTENCES: Record<SecurityAction, string> = {
  signed_up: 'You created your account',
  signed_in: 'You signed in',
  signed_out: 'You signed out',
  email_verified: 'You verified your email address',
  verification_email_sent: 'We sent you a link to verify your email address',
  password_reset_requested: 'Someone asked for a link to reset your password',
  password_reset: 'Your password was reset with an emailed link',
  password_changed: 'You changed your password',
  name_changed: 'You changed your name',
  session_revoked: 'You signed out one of your sessions',
  other_sessions_revoked: 'You signed out all your other sessions',
  account_deleted: 'Your account was deleted',
  totp_enabled: 'You turned on two-factor authentication',
  totp_disabled: 'You turned off two-factor authentication',
  recovery_codes_regenerated: 'You made a new set of recovery codes',
  recovery_code_used: 'A recovery code was used to sign in',
  second_factor_failed: 'Someone entered a wrong two-factor code after the right password',
  passkey_added: 'You added a passkey',
  passkey_renamed: 'You renamed a passkey',
  passkey_removed: 'You removed a passkey',
  passkey_clone_suspected: 'A passkey answered with an old signature counter: it may have been copied',
}

/** A sentence for an event; an action this version does not know yet still reads as something. */
export const describeAction = (action: string) =>
  SENTENCES[action as SecurityAction] ?? `Security event: ${action.replaceAll('_', ' ')}`

const loadEvents = (signal: AbortSignal) => listSecurityEvents(20, signal)

/** The account's latest security events, so a person can spot what they did not do. */
export function SecurityActivity({ refreshKey }: { refreshKey: number }) {
  const { data: items, error, reload } = useLoaded(loadEvents, [refreshKey])
  if (!items) return <NotLoaded error={error} reload={reload} loading="Loading activity…" />
  if (items.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">Nothing yet.</p>
  return (
    <ol className="divide-y divide-slate-200 dark:divide-slate-800">
      {items.map((event) => (
        <li key={event.id} className="py-3">
          <p className="font-medium">{describeAction(event.action)}</p>
          <p className="mt-1 text-sm break-words text-slate-600 dark:text-slate-400">
            <Time iso={event.created_at} />
            {event.ip_address ? <> · IP {event.ip_address}</> : null}
            {event.user_agent ? <> · {describeUserAgent(event.user_agent)}</> : null}
          </p>
        </li>
      ))}
    </ol>
  )
}
