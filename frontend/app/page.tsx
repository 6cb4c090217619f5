'use client'

import { useRouter } from 'next/navigation'
import { useEffect } from 'react'
import { useAuth } from '@/components/auth-provider'

/** The front door: straight to your tasks, or to sign-in. */
export default function Home() {
  const { status } = useAuth()
  const router = useRouter()
  useEffect(() => {
    if (status === 'signed-in') router.replace('/tasks')
    if (status === 'signed-out') router.replace('/signin')
  }, [status, router])
  return (
    <p className="text-slate-500" role="status">
      Loading…
    </p>
  )
}
