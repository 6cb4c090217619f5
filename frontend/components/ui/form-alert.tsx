/** A form-level message (e.g. "Invalid email or password"), announced when it appears. */
export function FormAlert({ message }: { message: string | undefined }) {
  return (
    <div
      role="alert"
      aria-live="assertive"
      className={
        message
          ? 'rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200'
          : 'sr-only'
      }
    >
      {message ?? ''}
    </div>
  )
}
