/**
 * What the editor hands the list it goes back to: the task just saved (focus it, say "Saved"), or
 * the task to delete (the list deletes it with its undo toast, so deleting works one way
 * everywhere). Kept in memory for the next task list to mount, and taken once.
 */
import type { Task } from '@/lib/types'

export type Flash = { saved: Task } | { remove: Task }

let pending: Flash | null = null

export function setFlash(flash: Flash): void {
  pending = flash
}

/** The flash waiting for the list, if any (read while rendering: it stays until `clearFlash`). */
export function peekFlash(): Flash | null {
  return pending
}

/** Called once the list has taken the flash, so a later visit does not get it again. */
export function clearFlash(): void {
  pending = null
}
