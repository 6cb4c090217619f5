'use client'

/** The task list's passing message ("Restored …", "Couldn't …"): one at a time, gone after a while. */
import { useCallback, useEffect, useState } from 'react'
import { useMounted } from '@/components/ui/use-mounted'

const NOTICE_MS = 8000

export type Notice = { key: number; text: string }

export function useNotice() {
  const [notice, setNotice] = useState<Notice | null>(null)
  const mounted = useMounted()
  const notify = useCallback(
    (text: string) => {
      if (mounted.current) setNotice({ key: Date.now() + Math.random(), text })
    },
    [mounted],
  )
  useEffect(() => {
    if (!notice) return
    const timer = setTimeout(() => setNotice(null), NOTICE_MS)
    return () => clearTimeout(timer)
  }, [notice])
  return { notice, notify, dismiss: () => setNotice(null) }
}
