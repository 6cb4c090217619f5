/** Every key of a task in a response, sorted (API.md "Task API"). */
export const TASK_KEYS = [
  'completed',
  'completed_at',
  'created_at',
  'description',
  'due_at',
  'id',
  'priority',
  'tags',
  'title',
  'updated_at',
  'user_id',
]
