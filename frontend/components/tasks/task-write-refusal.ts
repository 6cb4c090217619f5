/**
 * What a person reads when the API refuses to save a task for a limit of their account
 * (decision 020), rather than for what they typed: the quota in the API's own words (it names
 * the number), and being too quick in plain ones. Anything else keeps the API's message.
 */
import type { ApiError } from '@/lib/api'

export const TOO_QUICK = 'You are making changes faster than Taskwell allows. Wait a few seconds, then try again.'

export function taskWriteRefusal(error: ApiError): string {
  if (error.status === 429) return TOO_QUICK
  return error.message
}
