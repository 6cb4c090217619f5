/** Small inline icons (decorative: every control that uses one has a text name). */
import type { SVGProps } from 'react'

function Svg({ children, ...props }: SVGProps<SVGSVGElement>) {
  return (
    <svg
      width={20}
      height={20}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      focusable="false"
      {...props}
      aria-hidden="true"
    >
      {children}
    </svg>
  )
}

export function PencilIcon(props: SVGProps<SVGSVGElement>) {
  return (
    <Svg {...props}>
      <path d="M13.5 3.5l3 3L7 16H4v-3l9.5-9.5z" />
    </Svg>
  )
}

export function TrashIcon(props: SVGProps<SVGSVGElement>) {
  return (
    <Svg {...props}>
      <path d="M4 6h12M8 6V4h4v2M6 6l.7 10h6.6L14 6" />
    </Svg>
  )
}

export function SearchIcon(props: SVGProps<SVGSVGElement>) {
  return (
    <Svg {...props}>
      <circle cx="9" cy="9" r="5.5" />
      <path d="M13 13l4 4" />
    </Svg>
  )
}

export function SortIcon({ order, ...props }: SVGProps<SVGSVGElement> & { order: 'asc' | 'desc' }) {
  return (
    <Svg {...props}>{order === 'asc' ? <path d="M10 16V4M5 9l5-5 5 5" /> : <path d="M10 4v12M5 11l5 5 5-5" />}</Svg>
  )
}

export function CloseIcon(props: SVGProps<SVGSVGElement>) {
  return (
    <Svg {...props}>
      <path d="M5 5l10 10M15 5L5 15" />
    </Svg>
  )
}

export function CalendarIcon(props: SVGProps<SVGSVGElement>) {
  return (
    <Svg {...props}>
      <rect x="3.5" y="4.5" width="13" height="12" rx="2" />
      <path d="M3.5 8.5h13M7 3v3M13 3v3" />
    </Svg>
  )
}
