/**
 * A stand-in for next/navigation with a real, changeable query string: `router.replace` updates
 * it and `useSearchParams` re-renders its users, as in the browser. Use it with
 * `vi.mock('next/navigation', () => import('@/test/url-navigation'))` in the test file, and call
 * `resetUrlNavigation()` before each test.
 */
import { useMemo, useSyncExternalStore } from 'react'
import { vi } from 'vitest'

let search = ''
const listeners = new Set<() => void>()

export const nav = {
  get search() {
    return search
  },
  setSearch(next: string) {
    search = next
    for (const listener of listeners) listener()
  },
  router: { replace: vi.fn(), push: vi.fn(), prefetch: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn() },
}

const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export const useRouter = () => nav.router
export const usePathname = () => '/tasks'
export function useSearchParams() {
  const current = useSyncExternalStore(subscribe, () => search)
  return useMemo(() => new URLSearchParams(current), [current])
}

/** An empty query string, and a router whose `replace` moves to the URL it is given. */
export function resetUrlNavigation() {
  nav.setSearch('')
  nav.router.replace.mockReset()
  nav.router.replace.mockImplementation((href: string) =>
    nav.setSearch(new URL(href, 'http://localhost').search.slice(1)),
  )
}
