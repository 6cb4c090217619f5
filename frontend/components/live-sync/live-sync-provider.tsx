'use client'

/**
 * Live sync for the whole UI while someone is signed in (lib/live-sync): task events go to the
 * pages that subscribe (useTaskSync), an ended session takes this tab to the sign-in page at once,
 * saying why, and "Reconnecting…" appears when the stream has been down a while.
 */
import { usePathname, useRouter } from 'next/navigation'
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react'
import { useAuth } from '@/components/auth-provider'
import { startLiveSync } from '@/lib/live-sync/browser'
import type { EndReason, TaskSyncEvent } from '@/lib/live-sync/events'

type Listener = (event: TaskSyncEvent) => void

/** The pages' listeners; exported so tests can play events to them. */
export const LiveSyncContext = createContext<Set<Listener> | null>(null)

/** Where an ended session sends the tab: `/signin`, saying why, and back here afterwards (not after a deletion). */
export function signInAfterEnd(reason: EndReason, here: string): string {
  if (reason === 'local') return '/signin'
  const params = new URLSearchParams({ ended: reason })
  if (reason !== 'account_deleted' && here !== '/' && !here.startsWith('/signin')) params.set('next', here)
  return `/signin?${params}`
}

/**
 * Pages that need no session and say their own outcome ("Your new password is set" after a
 * reset, which ends every session): a session ending there does not take the user away.
 */
const PAGES_WITHOUT_SESSION = new Set(['/signin', '/signup', '/forgot-password', '/reset-password', '/verify-email'])

export function LiveSyncProvider({ children }: { children: ReactNode }) {
  const { user, status, sessionEnded } = useAuth()
  const router = useRouter()
  const pathname = usePathname()
  const here = useRef(pathname)
  here.current = pathname
  const [listeners] = useState(() => new Set<Listener>())
  const [reconnecting, setReconnecting] = useState(false)
  const userId = status === 'signed-in' ? user?.id : undefined
  // The latest callbacks, without restarting the stream when they change identity.
  const latest = useRef({ sessionEnded, router })
  latest.current = { sessionEnded, router }

  useEffect(() => {
    if (!userId) return
    const sync = startLiveSync(userId, {
      onEvent: (event) => {
        for (const listener of listeners) listener(event)
      },
      onEnd: (reason) => {
        setReconnecting(false)
        if (!latest.current.sessionEnded()) return
        if (PAGES_WITHOUT_SESSION.has(here.current)) return
        const search = typeof window === 'undefined' ? '' : window.location.search
        latest.current.router.replace(signInAfterEnd(reason, `${here.current}${search}`))
      },
      onReconnecting: setReconnecting,
    })
    return () => {
      sync.stop()
      setReconnecting(false)
    }
  }, [userId, listeners])

  return (
    <LiveSyncContext.Provider value={listeners}>
      {children}
      <div
        role="status"
        aria-live="polite"
        className="pointer-events-none fixed inset-x-0 top-2 z-30 flex justify-center px-4"
      >
        {reconnecting ? (
          <p className="rounded-full border border-amber-300 bg-amber-50 px-3 py-1 text-sm font-medium text-amber-900 shadow-sm dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
            Reconnecting…
          </p>
        ) : null}
      </div>
    </LiveSyncContext.Provider>
  )
}

/** Calls `onEvent` with every task event while mounted (no-op outside the provider, as in unit tests). */
export function useTaskSync(onEvent: Listener): void {
  const listeners = useContext(LiveSyncContext)
  const latest = useRef(onEvent)
  latest.current = onEvent
  useEffect(() => {
    if (!listeners) return
    const listener: Listener = (event) => latest.current(event)
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
    }
  }, [listeners])
}
