'use client'

import { useEffect, useRef } from 'react'

/**
 * Moves focus to `target()` once, when the component mounts, if `when` was true then: for a
 * step that has just replaced another, so keyboard and screen-reader users land on it rather
 * than on the page's top. Never on a page's first render (pass `when` false there).
 */
export function useFocusOnMount(target: () => HTMLElement | null | undefined, when = true) {
  const initial = useRef({ target, when })
  useEffect(() => {
    if (initial.current.when) initial.current.target()?.focus()
  }, [])
}
