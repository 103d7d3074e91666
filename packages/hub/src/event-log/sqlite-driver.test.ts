import { describe, expect, it } from 'vitest';
import { SqliteDriver, sqlitePackageFor } from './sqlite-driver.js';

describe('sqlite driver', () => {
  it('uses better-sqlite3 12 on Node 20 and 13 from Node 22 on', () => {
    expect(sqlitePackageFor(20)).toBe('better-sqlite3');
    expect(sqlitePackageFor(21)).toBe('better-sqlite3');
    expect(sqlitePackageFor(22)).toBe('better-sqlite3-13');
    expect(sqlitePackageFor(24)).toBe('better-sqlite3-13');
  });

  it('opens a database on the running Node and survives statements being collected', () => {
    const db = new SqliteDriver(':memory:');
    // Thousands of short-lived statements: what Kysely does per query, and what aborted
    // better-sqlite3 12 on Node 24.19+ once V8 collected them.
    for (let i = 0; i < 5_000; i++) db.prepare(`SELECT ${i} AS x`).get();
    (globalThis as { gc?: () => void }).gc?.();
    expect(db.prepare('SELECT 41 + 1 AS x').get()).toEqual({ x: 42 });
    db.close();
  });
});
