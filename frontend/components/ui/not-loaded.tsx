'use client'

/**
 * What a section shows until its data has loaded (see use-loaded.ts): a quiet line while it
 * loads, and the error with "Try again" when the load failed.
 */
import type { ApiError } from '@/lib/api'
import { Button } from './button'
import { FormAlert } from './form-alert'

export function NotLoaded({
  error,
  reload,
  loading,
}: {
  error: ApiError | undefined
  reload(): void
  loading: string
}) {
  if (!error) return <p className="text-sm text-slate-500 dark:text-slate-400">{loading}</p>
  return (
    <div className="space-y-3">
      <FormAlert message={error.message} />
      <Button variant="secondary" onClick={reload}>
        Try again
      </Button>
    </div>
  )
}
