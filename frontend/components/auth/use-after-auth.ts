'use client'

/**
 * For the sign-in and sign-up forms: the `?next=` path (only when safe) and where to go once
 * signed in. Anyone signed in — already, or just now — is sent there. Uses useSearchParams,
 * so call it below a <Suspense> boundary.
 */
import { useRouter, useSearchParams } from 'next/navigation'
import { useEffect } from 'react'
import { useAuth } from '@/components/auth-provider'
import { DEFAULT_AFTER_AUTH, safeNext } from '@/lib/safe-next'

export function useAfterAuth(): { next: string | null; destination: string } {
  const params = useSearchParams()
  const next = safeNext(params.get('next'))
  const destination = next ?? DEFAULT_AFTER_AUTH
  const { status } = useAuth()
  const router = useRouter()

  useEffect(() => {
    if (status === 'signed-in') router.replace(destination)
  }, [status, destination, router])

  return { next, destination }
}

/** `/signin` or `/signup`, carrying a safe `next` along. */
export function withNext(path: '/signin' | '/signup', next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path
}
