'use client'

/**
 * A list the account page loads from the API: loaded on mount and again whenever `refreshKey`
 * changes (something on the page changed it), with the error a person should read.
 */
import { type Dispatch, type SetStateAction, useEffect, useState } from 'react'
import { ApiError } from '@/lib/api'

type Loaded<T> = {
  items: T[] | null
  error: string | undefined
  setItems: Dispatch<SetStateAction<T[] | null>>
  reload(): void
}

export function useLoaded<T>(load: (signal: AbortSignal) => Promise<T[]>, refreshKey: number): Loaded<T> {
  const [items, setItems] = useState<T[] | null>(null)
  const [error, setError] = useState<string>()
  const [attempt, setAttempt] = useState(0)

  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is a module function; refreshKey and attempt are the triggers.
  useEffect(() => {
    const controller = new AbortController()
    load(controller.signal)
      .then((loaded) => {
        setItems(loaded)
        setError(undefined)
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return
        setError(err instanceof ApiError ? err.message : 'Something went wrong. Please try again.')
      })
    return () => controller.abort()
  }, [refreshKey, attempt])

  return { items, error, setItems, reload: () => setAttempt((n) => n + 1) }
}
