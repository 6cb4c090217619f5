const TONES = {
  success:
    'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100',
  neutral: 'border-slate-300 bg-slate-50 text-slate-800 dark:border-slate-700 dark:bg-slate-800/60 dark:text-slate-100',
} as const

/**
 * A form's message that is not an error, announced politely when it appears: a success
 * ("Password changed"), or a neutral note ("Passkey sign-in was cancelled").
 */
export function FormStatus({
  message,
  tone = 'success',
  className = '',
}: {
  message: string | undefined
  tone?: keyof typeof TONES
  className?: string
}) {
  return (
    <div
      role="status"
      aria-live="polite"
      className={message ? `rounded-lg border px-3 py-2 text-sm ${TONES[tone]} ${className}` : 'sr-only'}
    >
      {message ?? ''}
    </div>
  )
}
