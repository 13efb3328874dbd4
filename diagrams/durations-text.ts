/**
 * Norwegian wording of machine delays for diagrams: "innen 3 uker", "etter 30 dager",
 * "på avtalt dato". Pure functions of milliseconds and the delay's name, so the wording is
 * tested without a machine.
 */
import { MS_PER_DAY } from '../machines/durations';

const MS_PER_HOUR = 60 * 60 * 1000;
const MS_PER_MINUTE = 60 * 1000;

const unit = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * A duration in the largest whole unit that fits it exactly:
 * - 0 → "straks";
 * - whole weeks → "1 uke" / "3 uker" (the procedures speak of weeks: 21 days reads "3 uker");
 * - whole days → "1 dag" / "30 dager";
 * - whole hours, then whole minutes, otherwise seconds (rounded).
 */
export function durationText(ms: number): string {
  if (ms <= 0) return 'straks';
  if (ms % MS_PER_DAY === 0) {
    const days = ms / MS_PER_DAY;
    return days % 7 === 0 ? unit(days / 7, 'uke', 'uker') : unit(days, 'dag', 'dager');
  }
  if (ms % MS_PER_HOUR === 0) return unit(ms / MS_PER_HOUR, 'time', 'timer');
  if (ms % MS_PER_MINUTE === 0) return unit(ms / MS_PER_MINUTE, 'minutt', 'minutter');
  return unit(Math.max(1, Math.round(ms / 1000)), 'sekund', 'sekunder');
}

/**
 * Is the delay a limit something must happen within (its name says "within" or "immediately"),
 * rather than a wait after which the machine moves on? Decides "innen" over "etter".
 */
export function isLimit(delayName: string): boolean {
  return /within|immediately/i.test(delayName);
}

/**
 * How long a delay runs, in Norwegian:
 * - a fixed delay: "innen 3 uker" for a limit (see `isLimit`), "etter 30 dager" otherwise;
 * - a delay counted to a date agreed in the event that entered the state ("på avtalt dato"),
 *   with the policy's fallback when it has one: "på avtalt dato, innen 3 uker" for a limit,
 *   "på avtalt dato (ellers etter 3 uker)" otherwise.
 */
export function delayPhrase(delayName: string, ms: number, onAgreedDate: boolean): string {
  const limit = isLimit(delayName);
  if (!onAgreedDate) return `${limit ? 'innen' : 'etter'} ${durationText(ms)}`;
  if (ms <= 0) return 'på avtalt dato';
  return limit ? `på avtalt dato, innen ${durationText(ms)}` : `på avtalt dato (ellers etter ${durationText(ms)})`;
}
