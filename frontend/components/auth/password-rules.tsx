/**
 * The sign-up password rules, shown before the first submit, with live feedback on length.
 * The server is the authority (API.md: code points after NFKC, 8–128, not a common password);
 * this only mirrors the length rule so people are not surprised by a 422.
 */

import { PASSWORD_MAX_LENGTH } from '@/lib/api/limits'

/** The API's minimum is configurable (PASSWORD_MIN_LENGTH); keep the two in step. */
export const PASSWORD_MIN_LENGTH = Number(process.env.NEXT_PUBLIC_PASSWORD_MIN_LENGTH) || 8

/** Length as the server counts it: Unicode code points after NFKC normalisation. */
export function passwordLength(password: string): number {
  return [...password.normalize('NFKC')].length
}

type RuleState = 'met' | 'unmet' | 'failed' | 'on-submit'

const STATE_TEXT: Record<RuleState, string> = {
  met: 'done',
  unmet: 'not yet',
  failed: 'too long',
  'on-submit': 'checked when you submit',
}

const STATE_CLASS: Record<RuleState, string> = {
  met: 'text-emerald-700 dark:text-emerald-400',
  unmet: 'text-slate-600 dark:text-slate-400',
  failed: 'text-red-700 dark:text-red-400',
  'on-submit': 'text-slate-600 dark:text-slate-400',
}

export function PasswordRules({ password }: { password: string }) {
  const length = passwordLength(password)
  const rules: { text: string; state: RuleState }[] = [
    { text: `At least ${PASSWORD_MIN_LENGTH} characters`, state: length >= PASSWORD_MIN_LENGTH ? 'met' : 'unmet' },
    {
      text: `At most ${PASSWORD_MAX_LENGTH} characters`,
      state: length > PASSWORD_MAX_LENGTH ? 'failed' : length > 0 ? 'met' : 'unmet',
    },
    { text: 'Not a commonly used password', state: 'on-submit' },
  ]
  return (
    <ul className="mt-1.5 space-y-1">
      {rules.map(({ text, state }) => (
        <li key={text} data-state={state} className={`flex items-start gap-2 transition-colors ${STATE_CLASS[state]}`}>
          <RuleIcon state={state} />
          <span>
            {text}{' '}
            {state === 'on-submit' ? (
              <span className="text-slate-500 dark:text-slate-400">(checked when you submit)</span>
            ) : (
              <span className="sr-only">({STATE_TEXT[state]})</span>
            )}
          </span>
        </li>
      ))}
    </ul>
  )
}

function RuleIcon({ state }: { state: RuleState }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className="mt-0.5 size-4 shrink-0"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <circle cx="10" cy="10" r="8" strokeDasharray={state === 'unmet' ? '2 2.2' : undefined} />
      {state === 'met' ? <path d="m6.5 10.5 2.5 2.5 4.5-5" /> : null}
      {state === 'failed' ? <path d="m7.5 7.5 5 5m0-5-5 5" /> : null}
      {state === 'on-submit' ? <path d="M10 9.5v4M10 6.5v.01" /> : null}
    </svg>
  )
}
