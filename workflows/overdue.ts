/** Whole days a case overdue since `overdueSince` (ISO, or null) has been overdue at `nowMs`. */
export function daysOverdueAt(overdueSince: string | null, nowMs: number): number {
  return overdueSince === null ? 0 : Math.max(0, Math.floor((nowMs - Date.parse(overdueSince)) / (24 * 60 * 60 * 1000)));
}
