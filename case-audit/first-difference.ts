/**
 * Where two JSON values first differ, as a path and the two values there: a mismatch between a
 * replay and a history names the field, not two walls of JSON.
 */
import { isDeepStrictEqual } from 'node:util';

export interface Difference {
  /** e.g. `timeline[3].deliveredAt`; empty when the values differ at the top. */
  path: string;
  expected: unknown;
  recorded: unknown;
}

/** The first difference between `expected` and `recorded`, or undefined when they are equal. */
export function firstDifference(expected: unknown, recorded: unknown, path = ''): Difference | undefined {
  if (isDeepStrictEqual(expected, recorded)) return undefined;
  if (Array.isArray(expected) && Array.isArray(recorded)) {
    for (let i = 0; i < Math.max(expected.length, recorded.length); i += 1) {
      const d = firstDifference(expected[i], recorded[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  if (isObject(expected) && isObject(recorded)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(recorded)])].sort();
    for (const key of keys) {
      const d = firstDifference(expected[key], recorded[key], path ? `${path}.${key}` : key);
      if (d) return d;
    }
  }
  return { path, expected, recorded };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
