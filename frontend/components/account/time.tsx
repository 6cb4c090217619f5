/** A timestamp from the API as a <time>, in the reader's locale ("March 14, 2025" or "Mar 14, 2025, 1:00 PM"). */
const FORMATS = {
  date: new Intl.DateTimeFormat(undefined, { dateStyle: 'long' }),
  'date-time': new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
}

export function formatTime(iso: string, format: keyof typeof FORMATS = 'date-time'): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : FORMATS[format].format(date)
}

export function Time({ iso, format = 'date-time' }: { iso: string; format?: keyof typeof FORMATS }) {
  return <time dateTime={iso}>{formatTime(iso, format)}</time>
}
