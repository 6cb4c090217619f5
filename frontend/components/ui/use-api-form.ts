'use client'

/**
 * The state every form that calls the API keeps: field errors (from a problem's `errors`, or
 * the form's own checks), a form-level alert, a success message and "pending". `submit` runs
 * the call once at a time; a problem on one of `fields` goes next to that field (the first one
 * in `fields` order is focused: each control is named as its field), anything else in the alert.
 */
import { useRef, useState } from 'react'
import { useFocusField } from '@/components/auth/use-focus-field'
import { ApiError, errorMessage } from '@/lib/api'

export type ApiFormOptions<F extends string> = {
  /** The form field an API error's `field` belongs to (default: the same name), e.g. "tags.2" → "tags". */
  fieldOf?: (field: string) => F | undefined
  /** The alert when every problem sits next to its field (default: none). */
  fieldsAlert?: string
}

export function useApiForm<F extends string>(fields: readonly F[], options: ApiFormOptions<F> = {}) {
  const form = useRef<HTMLFormElement>(null)
  const focusField = useFocusField(form)
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({})
  const [alert, setAlert] = useState<string>()
  const [success, setSuccess] = useState<string>()
  const [pending, setPending] = useState(false)
  const fieldOf = options.fieldOf ?? ((field: string) => fields.find((f) => f === field))

  /** Shows the form's own findings (and `message`, when given, in the alert), focusing the first field with one. */
  function showErrors(found: Partial<Record<F, string>>, message?: string) {
    setErrors(found)
    if (message !== undefined) setAlert(message)
    const first = fields.find((field) => found[field])
    if (first) focusField(first)
  }

  function clearError(field: F) {
    setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current))
  }

  /** An input's onChange: the new value goes to `set`, and the field's error goes away. */
  function onInput(field: F, set: (value: string) => void) {
    return (event: { target: { value: string } }) => {
      set(event.target.value)
      clearError(field)
    }
  }

  /** Puts an API error on the form: next to its fields where it has any, otherwise in the alert. */
  function showApiError(err: unknown) {
    if (!(err instanceof ApiError)) return setAlert(errorMessage(err))
    const found: Partial<Record<F, string>> = {}
    let unpinned = 0
    for (const { field, message } of err.errors) {
      const name = fieldOf(field)
      if (name) found[name] ??= message
      else unpinned++
    }
    // A problem we cannot pin on a field (or no field errors at all) goes in the alert.
    const pinnedAll = Object.keys(found).length > 0 && unpinned === 0
    setAlert(pinnedAll ? options.fieldsAlert : err.message)
    showErrors(found)
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
      if (!(err instanceof ApiError && handle?.(err))) showApiError(err)
      return false
    } finally {
      setPending(false)
    }
  }

  return {
    form,
    errors,
    alert,
    success,
    pending,
    submit,
    showErrors,
    showApiError,
    clearError,
    onInput,
    focusField,
    setAlert,
    setSuccess,
  }
}
