/**
 * Quick add: one line such as "Pay rent tomorrow !high #bills" read as a title ("Pay rent"),
 * a due date (chrono-node, in the viewer's language and time zone), a priority (`!high`,
 * `!medium`, `!low`, or `!1`…`!3` with 1 the highest) and tags (`#word`). Pure: the caller
 * passes `now` and the locale. Each recognised part can be refused (`ignored`), and its words
 * then stay in the title.
 */
import * as chrono from 'chrono-node'
import { TASK_TAG_MAX_LENGTH } from './api/limits'
import { type DueParts, partsOf } from './due-date'
import type { Priority } from './types'

export type QuickPart =
  | { kind: 'due'; key: string; text: string; due: DueParts; at: Date }
  | { kind: 'priority'; key: string; text: string; priority: Priority }
  | { kind: 'tag'; key: string; text: string; tag: string }

export type QuickAdd = {
  /** The line without the recognised parts. */
  title: string
  due: DueParts | null
  priority: Priority | null
  tags: string[]
  /** What was recognised, in the order typed: what the chips show. */
  parts: QuickPart[]
}

const PRIORITY_WORDS: Record<string, Priority> = {
  high: 'high',
  medium: 'medium',
  low: 'low',
  1: 'high',
  2: 'medium',
  3: 'low',
}
const PRIORITY = /(^|\s)!(high|medium|low|[123])(?=\s|$)/giu
const TAG = /(^|\s)#([\p{L}\p{N}_-]+)(?=\s|$)/gu

type Span = { start: number; end: number }

/** The casual parser of the viewer's language (British English reads 1/2 as 1 February); English otherwise. */
function parsersFor(locale: string): chrono.Chrono[] {
  const tag = locale.toLowerCase()
  const lang = tag.split('-')[0] ?? 'en'
  if (lang === 'en') return [/^en-(gb|au|nz|ie|in|za)/.test(tag) ? chrono.en.GB : chrono.en.casual]
  const own = (chrono as unknown as Record<string, { casual?: chrono.Chrono } | undefined>)[lang]?.casual
  // People often type English dates in any language: English is the fallback.
  return own ? [own, chrono.en.casual] : [chrono.en.casual]
}

/** The same line with the given spans blanked out (indexes stay put for the date parser). */
const blank = (text: string, spans: readonly Span[]) =>
  spans.reduce((out, { start, end }) => out.slice(0, start) + ' '.repeat(end - start) + out.slice(end), text)

export function parseQuickAdd(
  text: string,
  { now, locale = 'en-US', ignored = new Set() }: { now: Date; locale?: string; ignored?: ReadonlySet<string> },
): QuickAdd {
  const found: (QuickPart & Span)[] = []
  for (const m of text.matchAll(PRIORITY)) {
    const word = m[2] as string
    const start = (m.index ?? 0) + (m[1] as string).length
    const priority = PRIORITY_WORDS[word.toLowerCase()] as Priority
    found.push({
      kind: 'priority',
      key: `priority:${word.toLowerCase()}`,
      text: `!${word}`,
      priority,
      start,
      end: start + word.length + 1,
    })
  }
  for (const m of text.matchAll(TAG)) {
    const word = m[2] as string
    const start = (m.index ?? 0) + (m[1] as string).length
    if ([...word].length > TASK_TAG_MAX_LENGTH) continue
    found.push({
      kind: 'tag',
      key: `tag:${word.toLowerCase()}`,
      text: `#${word}`,
      tag: word.toLowerCase(),
      start,
      end: start + word.length + 1,
    })
  }
  const kept = found.filter((part) => !ignored.has(part.key))

  // Dates are looked for only in what is left, so "#2026" or "!1" is never a date.
  const rest = blank(text, kept)
  for (const parser of parsersFor(locale)) {
    const result = parser
      .parse(rest, now, { forwardDate: true })
      .find((r) => !ignored.has(`due:${r.text.toLowerCase()}`))
    if (!result) continue
    const at = result.start.date()
    const timed = result.start.isCertain('hour')
    const due = partsOf(at, timed)
    kept.push({
      kind: 'due',
      key: `due:${result.text.toLowerCase()}`,
      text: result.text,
      due,
      at,
      start: result.index,
      end: result.index + result.text.length,
    })
    break
  }

  kept.sort((a, b) => a.start - b.start)
  const title = blank(text, kept)
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:])/g, '$1')
    .trim()
  // A line that is nothing but a date or a tag ("Today") is a title: the API needs one.
  if (title === '') return { title: text.trim(), due: null, priority: null, tags: [], parts: [] }

  const parts = kept.map(({ start: _s, end: _e, ...part }) => part as QuickPart)
  let priority: Priority | null = null
  let due: DueParts | null = null
  const tags: string[] = []
  for (const part of parts) {
    if (part.kind === 'priority') priority = part.priority
    else if (part.kind === 'due') due = part.due
    else if (!tags.includes(part.tag)) tags.push(part.tag)
  }
  return { title, due, priority, tags, parts }
}
