'use client'

import { useId, useState } from 'react'
import { Button } from '@/components/ui/button'
import { FormAlert } from '@/components/ui/form-alert'
import { FormStatus } from '@/components/ui/form-status'
import { useLoaded } from '@/components/ui/use-loaded'
import { listSessions, revokeOtherSessions, revokeSession } from '@/lib/account'
import { ApiError, errorMessage } from '@/lib/api'
import type { Session } from '@/lib/types'
import { describeUserAgent } from '@/lib/user-agent'
import { Badge } from './email-status'
import { Time } from './time'

/** Where the account is signed in, with a way to end any session but this one (the page's "Sign out" does that). */
export function Sessions({ refreshKey, onChange }: { refreshKey: number; onChange(): void }) {
  const { data: items, error: failed, setData: setItems, reload } = useLoaded(listSessions, [refreshKey])
  const error = failed?.message
  const [busy, setBusy] = useState<string | null>(null) // a session id, or 'others'
  const [status, setStatus] = useState<string>()
  const [alert, setAlert] = useState<string>()

  async function run(key: string, action: () => Promise<string>) {
    setBusy(key)
    setStatus(undefined)
    setAlert(undefined)
    try {
      setStatus(await action())
      onChange()
    } catch (err) {
      setAlert(errorMessage(err))
      reload()
    } finally {
      setBusy(null)
    }
  }

  const signOut = (session: Session) =>
    run(session.id, async () => {
      await revokeSession(session.id).catch((err: unknown) => {
        if (!(err instanceof ApiError && err.status === 404)) throw err // already gone is fine
      })
      setItems((list) => list?.filter((s) => s.id !== session.id) ?? null)
      return `Signed out ${describeUserAgent(session.user_agent)}.`
    })

  const signOutOthers = () =>
    run('others', async () => {
      const revoked = await revokeOtherSessions()
      setItems((list) => list?.filter((s) => s.current) ?? null)
      return revoked === 1 ? 'Signed out 1 other session.' : `Signed out ${revoked} other sessions.`
    })

  const others = items?.filter((s) => !s.current).length ?? 0
  return (
    <div className="space-y-4">
      <FormAlert message={alert ?? (items ? undefined : error)} />
      <FormStatus message={status} />
      {items === null ? (
        error ? (
          <Button variant="secondary" onClick={reload}>
            Try again
          </Button>
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">Loading sessions…</p>
        )
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {items.map((session) => (
            <SessionItem
              key={session.id}
              session={session}
              pending={busy === session.id}
              disabled={busy !== null}
              onSignOut={() => signOut(session)}
            />
          ))}
        </ul>
      )}
      {others > 0 ? (
        <Button
          variant="secondary"
          pending={busy === 'others'}
          disabled={busy !== null}
          onClick={signOutOthers}
          className="w-full sm:w-auto"
        >
          {busy === 'others' ? 'Signing out…' : 'Sign out all other sessions'}
        </Button>
      ) : null}
    </div>
  )
}

function SessionItem({
  session,
  pending,
  disabled,
  onSignOut,
}: {
  session: Session
  pending: boolean
  disabled: boolean
  onSignOut(): void
}) {
  const detailsId = useId()
  const device = describeUserAgent(session.user_agent)
  return (
    <li className="flex flex-col gap-3 py-3 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-2 font-medium">
          {device}
          {session.current ? <Badge tone="neutral">This device</Badge> : null}
        </p>
        <p id={detailsId} className="mt-1 text-sm break-words text-slate-600 dark:text-slate-400">
          <span className="block">
            Last used <Time iso={session.last_used_at} />
          </span>
          <span className="block">
            Signed in <Time iso={session.created_at} />
          </span>
          {session.ip_address ? <span className="block">IP {session.ip_address}</span> : null}
        </p>
      </div>
      {session.current ? null : (
        <Button
          variant="secondary"
          pending={pending}
          disabled={disabled}
          onClick={onSignOut}
          aria-label={`Sign out ${device}`}
          aria-describedby={detailsId}
          className="w-full shrink-0 sm:w-auto"
        >
          {pending ? 'Signing out…' : 'Sign out'}
        </Button>
      )}
    </li>
  )
}
