/**
 * The part of sql.js (SQLite compiled to WebAssembly) the benchmark uses. sql.js ships no types
 * and @types/sql.js would be one more dependency for five methods.
 */
declare module 'sql.js' {
  export type SqlValue = number | string | Uint8Array | null;
  export type BindParams = SqlValue[] | Record<string, SqlValue> | null;

  export interface QueryExecResult {
    columns: string[];
    values: SqlValue[][];
  }

  export interface Statement {
    /** Binds, steps once and resets: one INSERT. */
    run(values?: BindParams): void;
    bind(values?: BindParams): boolean;
    step(): boolean;
    get(): SqlValue[];
    reset(): void;
    free(): boolean;
  }

  export interface Database {
    run(sql: string, params?: BindParams): Database;
    exec(sql: string, params?: BindParams): QueryExecResult[];
    prepare(sql: string, params?: BindParams): Statement;
    close(): void;
  }

  export interface SqlJsStatic {
    Database: new (data?: ArrayLike<number> | null) => Database;
  }

  export interface SqlJsConfig {
    locateFile?: (file: string) => string;
  }

  export default function initSqlJs(config?: SqlJsConfig): Promise<SqlJsStatic>;
}
