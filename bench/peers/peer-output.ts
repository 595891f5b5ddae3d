/**
 * Reading what the peers' scripts print (`../shared/peers/`): rsyslog/run.sh's one summary line,
 * lnav.sh's seconds per question, and the answers lnav wrote, so logpipe's can be checked against
 * them. Pure functions over text.
 */

/** rsyslog/run.sh: `reached N lines in S s` (seconds from rsyslogd's start to the N-th output line). */
export interface RsyslogRun {
  lines: number;
  seconds: number;
}

/** Raised when a peer's output is not what its script prints on success. */
export class PeerOutputError extends Error {}

export function parseRsyslogRun(text: string): RsyslogRun {
  const m = /^reached (\d+) lines in (\d+(?:\.\d+)?) s$/m.exec(text);
  if (!m) {
    const said = text.trim().split('\n').at(-1) ?? '';
    throw new PeerOutputError(`rsyslog/run.sh did not reach its count: ${said || 'no output'}`);
  }
  return { lines: Number(m[1]), seconds: Number(m[2]) };
}

/** The three questions lnav.sh asks, by the name it prints. */
export const LNAV_QUESTIONS = ['5xx', 'status', 'api'] as const;
export type LnavQuestion = (typeof LNAV_QUESTIONS)[number];

/** lnav.sh: one line per question, `NAME   S.SSS s  <last line of lnav's answer>`. */
export function parseLnavTimes(text: string): Map<LnavQuestion, number> {
  const out = new Map<LnavQuestion, number>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+(?:\.\d+)?) s\b/.exec(line);
    if (m && (LNAV_QUESTIONS as readonly string[]).includes(m[1]))
      out.set(m[1] as LnavQuestion, Number(m[2]));
  }
  const missing = LNAV_QUESTIONS.filter((q) => !out.has(q));
  if (missing.length > 0)
    throw new PeerOutputError(
      `lnav.sh printed no time for ${missing.join(', ')}: ${text.trim() || 'no output'}`,
    );
  return out;
}

/**
 * The rows of lnav's answer to a `SELECT` (its `lnav-NAME.out`): a header row of column names,
 * then rows of values separated by runs of spaces. Only rows whose every value is a whole number
 * are kept (the questions ask for counts), so messages lnav prints around them are skipped.
 */
export function parseLnavRows(text: string): number[][] {
  const rows: number[][] = [];
  for (const line of text.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells[0] === '' || !cells.every((c) => /^\d+$/.test(c))) continue;
    rows.push(cells.map(Number));
  }
  return rows;
}

/** lnav's answer to a count question (one row, one value). */
export function lnavCount(text: string): number {
  const rows = parseLnavRows(text);
  if (rows.length !== 1 || rows[0].length !== 1)
    throw new PeerOutputError(`expected one count from lnav, got ${rows.length} rows`);
  return rows[0][0];
}

/** lnav's answer to a count by one column: value → count. */
export function lnavCountsBy(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of parseLnavRows(text)) {
    if (r.length !== 2) throw new PeerOutputError(`expected two columns from lnav, got ${r.length}`);
    out.set(r[0], r[1]);
  }
  return out;
}
