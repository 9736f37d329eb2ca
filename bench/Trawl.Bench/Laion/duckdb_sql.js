#!/usr/bin/env node
// Runs SQL statements with DuckDB (@duckdb/node-api from NODE_PATH) and prints, per statement, one JSON line:
// {"ms": wall milliseconds of the statement, "cpu_ms": the process's CPU milliseconds (all threads), "rows": its result rows}. Used by the laion benchmark only.
//   node duckdb_sql.js 'SQL' ['SQL' ...]
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  for (const sql of process.argv.slice(2)) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const reader = await con.runAndReadAll(sql);
    const rows = reader.getRowObjectsJson();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    const cpu_ms = (used.user + used.system) / 1e3;
    process.stdout.write(JSON.stringify({ ms, cpu_ms, rows }) + '\n');
  }
})().catch(e => { console.error(e.message); process.exit(1); });
