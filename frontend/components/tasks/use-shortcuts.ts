'use client'

/**
 * The task list's keyboard shortcuts, as in the task managers people already use. None fires
 * while typing in a field (a checkbox or a button does not count as typing), with Ctrl, Alt or
 * Cmd held, or while a dialog is open.
 */
import { useEffect, useRef } from 'react'

export type Shortcut = { keys: string[]; does: string }

/** What the help dialog lists, in its order. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ['q', 'n'], does: 'Add a task (quick add)' },
  { keys: ['/'], does: 'Search' },
  { keys: ['j', 'k'], does: 'Next and previous task' },
  { keys: ['x'], does: 'Complete the task (or undo that)' },
  { keys: ['e'], does: 'Edit the task' },
  { keys: ['#', 'Delete'], does: 'Delete the task (with undo)' },
  { keys: ['a', 't', 'u'], does: 'All tasks, Today, Upcoming' },
  { keys: ['?'], does: 'Show these shortcuts' },
]

const TYPING_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'])

/** Whether keys pressed at `target` are someone typing text. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLInputElement) return !TYPING_INPUTS.has(target.type)
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
}

export type ShortcutActions = {
  quickAdd(): void
  search(): void
  view(view: 'all' | 'today' | 'upcoming'): void
  help(): void
}

/** The row (`li[data-task]`) of the task the focus is in, if any. */
const currentRow = () => document.activeElement?.closest<HTMLElement>('li[data-task]') ?? null
const rows = () => [...document.querySelectorAll<HTMLElement>('li[data-task]')]
const focusRow = (row: HTMLElement | undefined) => row?.querySelector<HTMLElement>('input[type="checkbox"]')?.focus()

export function useShortcuts(actions: ShortcutActions): void {
  const latest = useRef(actions)
  latest.current = actions
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
      if (isTyping(event.target) || document.querySelector('dialog[open]')) return
      const act = latest.current
      const row = currentRow()
      const all = rows()
      const run: Record<string, (() => void) | undefined> = {
        q: act.quickAdd,
        n: act.quickAdd,
        '/': act.search,
        '?': act.help,
        a: () => act.view('all'),
        t: () => act.view('today'),
        u: () => act.view('upcoming'),
        j: () => focusRow(row ? all[Math.min(all.indexOf(row) + 1, all.length - 1)] : all[0]),
        k: () => focusRow(row ? all[Math.max(all.indexOf(row) - 1, 0)] : all[0]),
        x: row ? () => row.querySelector<HTMLElement>('input[type="checkbox"]')?.click() : undefined,
        e: row ? () => row.querySelector<HTMLElement>('[data-action="edit"]')?.click() : undefined,
        '#': row ? () => row.querySelector<HTMLElement>('[data-action="delete"]')?.click() : undefined,
        Delete: row ? () => row.querySelector<HTMLElement>('[data-action="delete"]')?.click() : undefined,
      }
      const action = run[event.key]
      if (!action) return
      event.preventDefault()
      action()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [])
}
