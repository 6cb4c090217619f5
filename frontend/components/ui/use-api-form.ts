'use client'

/**
 * The state every form that calls the API keeps: field errors (from a problem's `errors`, or
 * the form's own checks), a form-level alert, a success message and "pending". `submit` runs
 * the call once at a time; a problem on one of `fields` goes next to that field (focused),
 * anything else in the alert.
 */
import { useRef, useState } from 'react'
import { useFocusField } from '@/components/auth/use-focus-field'
import { ApiError } from '@/lib/api'

export function useApiForm<F extends string>(fields: readonly F[]) {
  const form = useRef<HTMLFormElement>(null)
  const focusField = useFocusField(form)
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({})
  const [alert, setAlert] = useState<string>()
  const [success, setSuccess] = useState<string>()
  const [pending, setPending] = useState(false)

  function showErrors(found: Partial<Record<F, string>>) {
    setErrors(found)
    const first = fields.find((field) => found[field])
    if (first) focusField(first)
  }

  function clearError(field: F) {
    setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current))
  }

  /**
   * Runs `action` and returns whether it succeeded; errors end up on the form, except those
   * `handle` takes care of itself (it returns true for them).
   */
  async function submit(action: () => Promise<unknown>, handle?: (err: ApiError) => boolean): Promise<boolean> {
    if (pending) return false
    setAlert(undefined)
    setSuccess(undefined)
    setErrors({})
    setPending(true)
    try {
      await action()
      return true
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setAlert('Something went wrong. Please try again.')
        return false
      }
      if (handle?.(err)) return false
      const byField = err.fieldErrors()
      const found: Partial<Record<F, string>> = {}
      for (const field of fields) if (byField[field]) found[field] = byField[field]
      // A problem we cannot pin on a field (or no field errors at all) goes in the alert.
      if (Object.keys(found).length < Object.keys(byField).length || Object.keys(found).length === 0) {
        setAlert(err.message)
      }
      showErrors(found)
      return false
    } finally {
      setPending(false)
    }
  }

  return { form, errors, alert, success, pending, submit, showErrors, clearError, setSuccess }
}
