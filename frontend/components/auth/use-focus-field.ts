'use client'

import { type RefObject, useEffect, useState } from 'react'

/**
 * Moves focus to a form control by its `name` once the next render has happened (so the
 * control already shows its error, or has just been cleared).
 */
export function useFocusField(form: RefObject<HTMLFormElement | null>): (name: string) => void {
  const [request, setRequest] = useState<{ name: string } | null>(null)
  useEffect(() => {
    if (!request) return
    const control = form.current?.elements.namedItem(request.name)
    if (control instanceof HTMLElement) control.focus()
  }, [request, form])
  return (name) => setRequest({ name })
}
