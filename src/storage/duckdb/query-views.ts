/**
 * Query connections, kept between queries, each holding the temp view `logs` already made. The
 * view reads its file lists (and the ingest range of a follow query) from session variables, so a
 * query only sets them: DuckDB binds a view once when it is made and again at every query that
 * reads it, and making a fresh view per query paid for the first bind each time (a count(*) over
 * 25 segments took 18.5 ms; 11.3 ms with the view kept). `read_parquet` cannot take an empty
 * list, so a view is made for each shape of lists (segments or not, partitions or not, an
 * ingest range or not) and a connection serves the shape its view was made for.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { HIDDEN_COLUMNS, TIME_PLACE_COLUMN } from '../rows/columns.js';
import { messageSql, rawSql, STORED_RAW_COLUMN } from './raw-text.js';
import { ACTIVE_TABLE, emptyLayoutSql, LOGS_TABLE, sqlString } from './schema.js';

/** What one query's view reads: paths of segment and partition files, and an ingest range. */
export interface ViewInput {
  segments: readonly string[];
  partitions: readonly string[];
  /** Rows ingested after `afterUs` up to `upToUs` (epoch µs) only. */
  ingested?: { afterUs: number; upToUs: number };
  /**
   * Whether the view also shows each line as stored (`raw_stored`) and where its time text was
   * cut (`time_place`), for the searches of planned queries; raw SQL sees neither.
   */
  stored?: boolean;
}

export interface QueryViews {
  /** A connection whose view `logs` reads `input`: an idle one of that shape, or a new one. */
  acquire(input: ViewInput): Promise<DuckDBConnection>;
  /** Hands a connection back; one that failed (`reusable` false) is closed instead. */
  release(conn: DuckDBConnection, reusable: boolean): void;
  /** Closes the idle connections; those in use close when released. */
  close(): void;
}

/** Idle connections kept per shape: more than the queries a client runs at once. */
const MAX_IDLE_PER_SHAPE = 4;
const SEGMENTS_VAR = 'logpipe_segments';
const PARTITIONS_VAR = 'logpipe_partitions';
const AFTER_VAR = 'logpipe_ingested_after';
const UP_TO_VAR = 'logpipe_ingested_up_to';

// Parquet keeps JSON as text: cast back so every part of the view has one type. Rows that keep
// neither raw nor message get both rebuilt from their columns, a message cut from its line is
// cut out again and a time text put back (raw-text.ts), and the columns that place them are not
// shown (planned queries see the line as stored and its time's place, for their searches);
// files of an older layout lack the newer columns, which `union_by_name` reads as nulls.
const TEXT_COLUMNS = `CAST(fields AS JSON) AS fields, ${messageSql()} AS message, ${rawSql()} AS raw`;
const hidden = (cols: readonly string[]): string => `EXCLUDE (${cols.map((c) => `"${c}"`).join(', ')})`;
const HIDDEN = hidden([...HIDDEN_COLUMNS, STORED_RAW_COLUMN]);
const HIDDEN_FROM_PLANS = hidden(HIDDEN_COLUMNS.filter((c) => c !== TIME_PLACE_COLUMN));

/** Query connections on `instance`; `prepare` runs once on each new one, before its view. */
export function queryViews(
  instance: DuckDBInstance,
  prepare?: (conn: DuckDBConnection) => Promise<void>,
): QueryViews {
  const idle = new Map<string, DuckDBConnection[]>();
  const shapeOf = new WeakMap<DuckDBConnection, string>();
  let closed = false;
  return {
    async acquire(input) {
      const shape = shapeKey(input);
      const kept = idle.get(shape)?.pop();
      const conn = kept ?? (await instance.connect());
      try {
        if (kept === undefined) await prepare?.(conn);
        await setVariables(conn, input);
        if (kept === undefined) await conn.run(viewSql(input));
      } catch (err) {
        conn.closeSync();
        throw err;
      }
      shapeOf.set(conn, shape);
      return conn;
    },
    release(conn, reusable) {
      const shape = shapeOf.get(conn);
      let list = shape === undefined ? undefined : idle.get(shape);
      if (shape !== undefined && list === undefined) idle.set(shape, (list = []));
      if (closed || !reusable || list === undefined || list.length >= MAX_IDLE_PER_SHAPE) {
        conn.closeSync();
        return;
      }
      list.push(conn);
    },
    close() {
      closed = true;
      for (const list of idle.values()) for (const c of list) c.closeSync();
      idle.clear();
    },
  };
}

function shapeKey(input: ViewInput): string {
  return `${input.segments.length > 0 ? 's' : ''}${input.partitions.length > 0 ? 'p' : ''}${input.ingested ? 'i' : ''}${input.stored ? 'r' : ''}`;
}

async function setVariables(conn: DuckDBConnection, input: ViewInput): Promise<void> {
  const sets: string[] = [];
  if (input.segments.length > 0) sets.push(`SET VARIABLE ${SEGMENTS_VAR} = ${sqlList(input.segments)}`);
  if (input.partitions.length > 0) sets.push(`SET VARIABLE ${PARTITIONS_VAR} = ${sqlList(input.partitions)}`);
  if (input.ingested) {
    sets.push(`SET VARIABLE ${AFTER_VAR} = ${Math.floor(input.ingested.afterUs)}::BIGINT`);
    sets.push(`SET VARIABLE ${UP_TO_VAR} = ${Math.floor(input.ingested.upToUs)}::BIGINT`);
  }
  for (const s of sets) await conn.run(s);
}

/**
 * The view `logs` for `input`'s shape: the active table, the segments and the partitions. The
 * empty row set first gives every column of today's layout a name and a type, so files of an
 * older layout (without the newer columns) read as nulls there.
 */
function viewSql(input: ViewInput): string {
  const where = input.ingested
    ? ` WHERE ingested_at > make_timestamp(getvariable('${AFTER_VAR}')) AND ingested_at <= make_timestamp(getvariable('${UP_TO_VAR}'))`
    : '';
  const lists = [
    input.segments.length > 0 ? SEGMENTS_VAR : null,
    input.partitions.length > 0 ? PARTITIONS_VAR : null,
  ].filter((v) => v !== null);
  let inner = `SELECT * FROM (${emptyLayoutSql()})`;
  for (const v of lists) {
    inner += ` UNION ALL BY NAME SELECT * FROM read_parquet(getvariable('${v}'), union_by_name = true)${where}`;
  }
  // The files' part always has today's columns (the empty row set), so the hidden ones can be
  // left out of the whole, whatever columns an older store's active table has.
  const all = `SELECT * FROM ${ACTIVE_TABLE}${where} UNION ALL BY NAME SELECT * REPLACE (${TEXT_COLUMNS}), "raw" AS ${STORED_RAW_COLUMN} FROM (${inner})`;
  return `CREATE TEMP VIEW ${LOGS_TABLE} AS SELECT * ${input.stored ? HIDDEN_FROM_PLANS : HIDDEN} FROM (${all})`;
}

function sqlList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(', ')}]`;
}
