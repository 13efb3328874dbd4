/**
 * The case search attributes must fit a real Temporal server with SQL visibility (PostgreSQL):
 * per namespace at most 10 custom Keyword attributes and 3 of every other type. The dev server
 * allows more, so only this test notices an attribute too many before a deployment does.
 */
import { caseSearchAttributes } from '../../workflows/search-attributes';

/** The custom search attributes a namespace may have per type on SQL visibility (Temporal server 1.32). */
const SQL_VISIBILITY_LIMITS: Record<string, number> = {
  KEYWORD: 10,
  TEXT: 3,
  INT: 3,
  DOUBLE: 3,
  BOOL: 3,
  DATETIME: 3,
  KEYWORD_LIST: 3,
};

test('every type of case search attribute stays within the real server’s limit', () => {
  const perType = new Map<string, string[]>();
  for (const key of caseSearchAttributes) perType.set(key.type, [...(perType.get(key.type) ?? []), key.name]);
  for (const [type, names] of perType) {
    expect({ type, names, fits: names.length <= (SQL_VISIBILITY_LIMITS[type] ?? 0) }).toEqual({ type, names, fits: true });
  }
  expect(Object.fromEntries([...perType].map(([type, names]) => [type, names.length]))).toEqual({ KEYWORD: 5, DATETIME: 3, BOOL: 1 });
});

test('no two attributes share a name', () => {
  const names = caseSearchAttributes.map((k) => k.name);
  expect(new Set(names).size).toBe(names.length);
});
