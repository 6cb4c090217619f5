'use client'

import { useEffect, useRef } from 'react'

/** Whether the component is still on the page, for work that finishes after it may have left. */
export function useMounted() {
  const mounted = useRef(true)
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  return mounted
}
