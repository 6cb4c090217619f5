/**
 * A stand-in for next/navigation whose router is spies and whose path and query a test sets.
 * Use it with `vi.mock('next/navigation', () => import('@/test/navigation'))` in the test file
 * (vi.mock is hoisted there, before the page and this module's users are imported).
 */
import { vi } from 'vitest'

export const nav = {
  router: { replace: vi.fn(), push: vi.fn(), prefetch: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn() },
  pathname: '/',
  params: new URLSearchParams(),
}

export const useRouter = () => nav.router
export const usePathname = () => nav.pathname
export const useSearchParams = () => nav.params
