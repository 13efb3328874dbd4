/**
 * Registers the case search attributes (workflows/search-attributes.ts) on a Temporal namespace
 * through the operator service: before a worker runs cases on a fresh server, and on a data
 * folder from an earlier version that lacks attributes added since. Used by the dev-server
 * helper (scripts/lib/dev-server.ts), the audit's conformance run and the test environments.
 */
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const indexedType: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers `keys` as custom search attributes of `namespace` (they must not exist yet). */
export async function addSearchAttributes(
  connection: Connection,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
  namespace = 'default',
): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, indexedType[key.type]!])),
  });
}

/**
 * Registers the search attributes a namespace is missing. The dev server's own
 * `--search-attribute` flag only takes effect on a new database file, so a data folder from an
 * earlier version would otherwise lack attributes added since; this works on both.
 */
export async function ensureSearchAttributes(
  address: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
  namespace = 'default',
): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = keys.filter((key) => !known.has(key.name));
    if (missing.length > 0) await addSearchAttributes(connection, missing, namespace);
    return missing.map((key) => key.name);
  } finally {
    await connection.close();
  }
}
