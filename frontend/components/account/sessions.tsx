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

/**
 * Where the account is signed in, with a way to end any session but this one (the page's "Sign
 * out" does that). The API answers a page at a time; "Show more sessions" adds the next.
 */
export function Sessions({ refreshKey, onChange }: { refreshKey: number; onChange(): void }) {
  const { data: page, error: failed, setData: setPage, reload } = useLoaded(listSessions, [refreshKey])
  const items = page?.items ?? null
  const setItems = (change: (list: Session[]) => Session[]) =>
    setPage((current) => (current ? { ...current, items: change(current.items) } : current))
  const error = failed?.message
  const [busy, setBusy] = useState<string | null>(null) // a session id, 'others' or 'more'
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
      setItems((list) => list.filter((s) => s.id !== session.id))
      return `Signed out ${describeUserAgent(session.user_agent)}.`
    })

  const signOutOthers = () =>
    run('others', async () => {
      const revoked = await revokeOtherSessions()
      // Later pages held only other sessions, all signed out now.
      setPage((current) => (current ? { items: current.items.filter((s) => s.current), next_cursor: null } : current))
      return revoked === 1 ? 'Signed out 1 other session.' : `Signed out ${revoked} other sessions.`
    })

  async function showMore() {
    const cursor = page?.next_cursor
    if (!cursor) return
    setBusy('more')
    setAlert(undefined)
    try {
      const next = await listSessions(undefined, cursor)
      setPage((current) => {
        if (!current) return current
        // A session used meanwhile may be on both pages.
        const known = new Set(current.items.map((s) => s.id))
        return {
          items: [...current.items, ...next.items.filter((s) => !known.has(s.id))],
          next_cursor: next.next_cursor,
        }
      })
    } catch (err) {
      setAlert(errorMessage(err))
    } finally {
      setBusy(null)
    }
  }

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
      {page?.next_cursor ? (
        <Button
          variant="secondary"
          pending={busy === 'more'}
          disabled={busy !== null}
          onClick={showMore}
          className="w-full sm:w-auto"
        >
          {busy === 'more' ? 'Loading…' : 'Show more sessions'}
        </Button>
      ) : null}
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
