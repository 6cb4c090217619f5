/** A form's success message (e.g. "Password changed"), announced politely when it appears. */
export function FormStatus({ message, className = '' }: { message: string | undefined; className?: string }) {
  return (
    <div
      role="status"
      aria-live="polite"
      className={
        message
          ? `rounded-lg border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100 ${className}`
          : 'sr-only'
      }
    >
      {message ?? ''}
    </div>
  )
}
