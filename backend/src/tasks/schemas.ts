/** Wire shapes of the task API (API.md "Task API"): validation, types and OpenAPI. */
import { z } from '@hono/zod-openapi'
import { cleanString, limitParam } from '../http/validation.js'

export const PRIORITIES = ['low', 'medium', 'high'] as const
export type Priority = (typeof PRIORITIES)[number]
export const SORTS = ['created_at', 'updated_at', 'due_at', 'priority', 'title'] as const
export type Sort = (typeof SORTS)[number]

export const TITLE_MAX = 200
export const DESCRIPTION_MAX = 1000
export const TAGS_MAX = 10
export const TAG_MAX = 32
export const LIST_LIMIT_MAX = 100

const title = cleanString()
  .trim()
  .min(1, 'Title must not be empty')
  .max(TITLE_MAX, `Title must be at most ${TITLE_MAX} characters`)
  .openapi({ example: 'Buy milk' })
/**
 * Kept as typed, except leading byte-order marks (U+FEFF): PGlite decodes every text value
 * it reads as UTF-8 text and drops a BOM at its start, so a description that began with
 * one would read back changed there. Dropping them on the way in makes both databases
 * store and return the same text.
 */
const description = cleanString()
  .max(DESCRIPTION_MAX, `Description must be at most ${DESCRIPTION_MAX} characters`)
  .transform((text) => text.replace(/^\uFEFF+/, ''))
  .openapi({ example: 'Two litres, semi-skimmed' })
const priority = z.enum(PRIORITIES, 'Priority must be low, medium or high')
const tag = cleanString()
  .trim()
  .min(1, 'Tags must not be empty')
  .max(TAG_MAX, `Tags must be at most ${TAG_MAX} characters`)
  // Tags are stored lower-case, and lower-casing can lengthen a string ('İ' becomes 'i̇').
  .refine((t) => t.length > TAG_MAX || t.toLowerCase().length <= TAG_MAX, `Tags must be at most ${TAG_MAX} characters`)
  .transform((t) => t.toLowerCase())
const tags = z
  .array(tag)
  .max(TAGS_MAX, `At most ${TAGS_MAX} tags`)
  .transform((list) => [...new Set(list)])
  .openapi({ example: ['errands', 'home'] })
const timestamp = z.iso.datetime({ offset: true, message: 'Must be an RFC 3339 timestamp' })
/**
 * Years 1000 to 9999 in UTC: PostgreSQL has no year 0 and the driver reads years below
 * 100 back as 19xx/20xx, so instants outside this range would fail or come back changed.
 */
const INSTANT_MIN = Date.UTC(1000, 0, 1)
const INSTANT_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
const instant = timestamp
  .transform((s) => new Date(s))
  .refine(
    (d) => d.getTime() >= INSTANT_MIN && d.getTime() <= INSTANT_MAX,
    'Must be between the years 1000 and 9999 (UTC)',
  )
const dueAt = instant
  .nullable()
  .openapi({ type: ['string', 'null'], format: 'date-time', example: '2026-12-01T17:00:00Z' })

/** POST and PUT: every editable field; omitted ones take their defaults. */
export const TaskInputSchema = z
  .object({
    title,
    description: description.default(''),
    priority: priority.default('medium'),
    tags: tags.default([]),
    due_at: dueAt.default(null),
  })
  .strict()
  .openapi('TaskInput')

/** PATCH: only the fields given change; at least one must be given. */
export const TaskPatchSchema = z
  .object({
    title: title.optional(),
    description: description.optional(),
    priority: priority.optional(),
    tags: tags.optional(),
    due_at: dueAt.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'Give at least one field to change')
  .openapi('TaskPatch')

/** `{}` sets nothing, so it toggles like no body at all. */
export const CompleteSchema = z
  .object({
    completed: z
      .boolean('completed must be true or false')
      .optional()
      .openapi({ description: 'Set completion to this; left out, the completion flips' }),
  })
  .strict()
  .openapi('TaskCompletion')

export const TaskSchema = z
  .object({
    id: z.string(),
    user_id: z.string(),
    title: z.string(),
    description: z.string(),
    completed: z.boolean(),
    priority: z.enum(PRIORITIES),
    tags: z.array(z.string()),
    due_at: z
      .string()
      .nullable()
      .openapi({ type: ['string', 'null'], format: 'date-time' }),
    completed_at: z
      .string()
      .nullable()
      .openapi({ type: ['string', 'null'], format: 'date-time' }),
    created_at: z.string().openapi({ format: 'date-time' }),
    updated_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Task')

export const TaskListSchema = z
  .object({
    items: z.array(TaskSchema),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null at the end' }),
  })
  .openapi('TaskList')

/** A query parameter that may be repeated (`?tag=a&tag=b`). */
const repeatable = <T extends z.ZodType>(item: T) =>
  z.union([item.transform((v) => [v]), z.array(item)]).openapi({ type: 'array', items: { type: 'string' } })

export const ListQuerySchema = z
  .object({
    status: z.enum(['all', 'pending', 'completed'], 'status must be all, pending or completed').default('all'),
    q: cleanString().max(200, 'q must be at most 200 characters').optional(),
    priority: priority.optional(),
    tag: repeatable(tag)
      .pipe(z.array(z.string()).max(TAGS_MAX, `at most ${TAGS_MAX} tag filters`))
      .optional(),
    due_before: instant.optional(),
    due_after: instant.optional(),
    sort: z.enum(SORTS, `sort must be one of ${SORTS.join(', ')}`).default('created_at'),
    order: z.enum(['asc', 'desc'], 'order must be asc or desc').default('desc'),
    limit: limitParam(LIST_LIMIT_MAX, 50),
    cursor: z.string().max(1024, 'cursor is not valid').optional(),
  })
  .strict()

export const UserIdParam = z.object({
  user_id: z.string().openapi({ param: { name: 'user_id', in: 'path' }, description: "The caller's user id" }),
})
export const TaskIdParams = UserIdParam.extend({
  id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
})

export type TaskInput = z.infer<typeof TaskInputSchema>
export type TaskPatch = z.infer<typeof TaskPatchSchema>
export type ListQuery = z.infer<typeof ListQuerySchema>
export type TaskJson = z.infer<typeof TaskSchema>
export type TaskListJson = z.infer<typeof TaskListSchema>
