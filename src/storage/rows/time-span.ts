/**
 * A line's time text, cut out of its stored `raw`. The header time of a line (`2026-06-09
 * 00:13:05,211`, `Jun  9 00:10:38`, `[06.09 00:13:00]`) is text the `ts` column holds again: as
 * rows are encoded, `ts` is rendered in a small set of layouts and looked for in the line; where
 * one is found byte for byte, the row keeps its line with that text replaced by one digit `0` and
 * the place in `time_place`: the code points before the cut plus the layout (and the zone it was
 * rendered in) × 2³², like `message_place` (rows/message-span.ts). The views render the text with
 * DuckDB's `strftime` and put it back (storage/duckdb/raw-text.ts).
 *
 * Every layout's text starts and ends with a digit and has no two non-digit characters next to
 * each other, and the placeholder is a digit: so a search needle of two characters or more
 * without a digit matches the stored line exactly where it matches the line as it came (it can
 * neither lie inside the time text nor cross its ends), and such searches need not render times.
 * A text with a digit right before or after it (nanoseconds where `ts` keeps microseconds, a
 * longer number) is not taken: the line is kept as it is.
 */

import { isDigit, PAD2, PAD3 } from '../../core/civil-time.js';

/** The layout and zone are counted in units of this (the place's high part). */
export const TIME_UNIT = 2 ** 32;
/** Layout ids are below this; the zone (zig-zag minutes) is counted in units of it. */
export const LAYOUT_SPAN = 64;
/** A zone's offset from UTC in minutes is at most this (either way). */
export const MAX_TIME_ZONE = 18 * 60;

/** A layout: its id (kept in the place), and its DuckDB `strftime` format or an epoch count. */
export interface TimeLayout {
  id: number;
  /** A `strftime` format; `epoch_s` and `epoch_us` are the decimal seconds or µs since 1970. */
  format: string;
}

/**
 * The layouts, in the order a line is searched for them: a longer text before one it holds
 * (`,%g` before the bare seconds), so a line loses its whole time text. Which systems write each
 * (the 30 real-shaped systems of bench/real-corpus):
 */
export const TIME_LAYOUTS: readonly TimeLayout[] = [
  // log4j, Python logging, Hadoop, ZooKeeper, Kafka (`[...]`)
  { id: 1, format: '%Y-%m-%d %H:%M:%S,%g' },
  // ISO with µs: MySQL (`Z` stays in the line), Python with µs
  { id: 2, format: '%Y-%m-%dT%H:%M:%S.%f' },
  { id: 3, format: '%Y-%m-%d %H:%M:%S.%f' },
  // OpenStack, PostgreSQL, ISO with ms
  { id: 4, format: '%Y-%m-%d %H:%M:%S.%g' },
  { id: 5, format: '%Y-%m-%dT%H:%M:%S.%g' },
  // Blue Gene/L
  { id: 6, format: '%Y-%m-%d-%H.%M.%S.%f' },
  // Kubernetes klog (after its level letter)
  { id: 7, format: '%m%d %H:%M:%S.%f' },
  // Android logcat threadtime
  { id: 8, format: '%m-%d %H:%M:%S.%g' },
  // Redis (`09 Jun 2026 00:07:25.863`: the month name stays)
  { id: 9, format: '%Y %H:%M:%S.%g' },
  // Apache error (`[Tue Jun 09 00:04:36 2026]`, 2.4 with µs)
  { id: 21, format: '%d %H:%M:%S.%f %Y' },
  { id: 10, format: '%d %H:%M:%S %Y' },
  // health-app style `yyyyMMdd-H:m:s:SSS`
  { id: 11, format: '%Y%m%d-%-H:%-M:%-S:%g' },
  // ISO without a fraction: CloudTrail, Windows CBS
  { id: 12, format: '%Y-%m-%dT%H:%M:%S' },
  { id: 13, format: '%Y-%m-%d %H:%M:%S' },
  // nginx error
  { id: 14, format: '%Y/%m/%d %H:%M:%S' },
  // Spark
  { id: 15, format: '%y/%m/%d %H:%M:%S' },
  // Proxifier (`[06.09 00:13:00]`)
  { id: 16, format: '%m.%d %H:%M:%S' },
  // HDFS (`260609 000233`)
  { id: 17, format: '%y%m%d %H%M%S' },
  // syslog, OpenSSH, macOS (`Jun  9 00:10:38`: the month name stays)
  { id: 18, format: '%-d %H:%M:%S' },
  // systemd journal export (`__REALTIME_TIMESTAMP`)
  { id: 19, format: 'epoch_us' },
  // Blue Gene/L, Thunderbird and HPC leading columns
  { id: 20, format: 'epoch_s' },
];

const BY_ID: (TimeLayout | undefined)[] = [];
for (const l of TIME_LAYOUTS) BY_ID[l.id] = l;

/** The layout of an id, or undefined. */
export function timeLayout(id: number): TimeLayout | undefined {
  return BY_ID[id];
}

/** Fields a layout writes (strftime's specifiers), as numbers so rendering switches on ints. */
const F = {
  Y: 0,
  y: 1,
  m: 2,
  d: 3,
  '-d': 4,
  H: 5,
  M: 6,
  S: 7,
  '-H': 8,
  '-M': 9,
  '-S': 10,
  g: 11,
  f: 12,
  epoch_s: 13,
  epoch_us: 14,
  /** The last three digits of `%f` (compiled as `%g` then these, so no piece is made of two). */
  usRest: 15,
} as const;

/** A layout as a list of pieces: a literal text, or a field (a number, `F`). */
type Piece = string | number;

function compile(format: string): Piece[] {
  if (format === 'epoch_s' || format === 'epoch_us') return [F[format]];
  const out: Piece[] = [];
  let lit = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') {
      lit += format[i];
      continue;
    }
    if (lit !== '') out.push(lit);
    lit = '';
    let spec = format[++i];
    if (spec === '-') spec += format[++i];
    const code = (F as Record<string, number>)[spec];
    if (code === undefined) throw new Error(`no time field %${spec}`);
    if (code === F.f) out.push(F.g, F.usRest);
    else out.push(code);
  }
  if (lit !== '') out.push(lit);
  return out;
}

const PIECES: Piece[][] = [];
for (const l of TIME_LAYOUTS) PIECES[l.id] = compile(l.format);

/** '0' to '99' unpadded (PAD2 and PAD3, core/civil-time, padded): numbers written from a table. */
const PLAIN = PAD2.map((_, n) => String(n));

/** Times every layout renders as DuckDB does: four-digit years, epoch counts without a sign. */
const MIN_US = 0;
const MAX_US = Date.UTC(10000, 0, 1) * 1000;

/**
 * The fields of one time: the date's texts once a day, the clock's numbers once a second, the
 * fraction per time. One object reused, so rendering a row allocates only its text. (Rendering
 * through a string per field and a switch on strings took 363 ns a render on the real-shaped
 * rows; these tables and ints about a third of that: bench/time-cut.ts.)
 */
class TimeText {
  private day = Number.NaN;
  private second = Number.NaN;
  private us = Number.NaN;
  private Y = '';
  private y = '';
  private m = '';
  private d = '';
  private dU = '';
  private h = 0;
  private mi = 0;
  private s = 0;
  private frac = 0;

  /** Sets the time (µs since the epoch, already shifted by the zone); false when out of range. */
  set(us: number): boolean {
    if (!(us >= MIN_US && us < MAX_US) || !Number.isSafeInteger(us)) return false;
    if (us === this.us) return true;
    this.us = us;
    const second = Math.floor(us / 1_000_000);
    this.frac = us - second * 1_000_000;
    if (second === this.second) return true;
    this.second = second;
    const day = Math.floor(second / 86_400);
    if (day !== this.day) {
      this.day = day;
      const date = new Date(day * 86_400_000);
      const year = date.getUTCFullYear();
      this.Y = String(year);
      this.y = PAD2[year % 100];
      this.m = PAD2[date.getUTCMonth() + 1];
      this.d = PAD2[date.getUTCDate()];
      this.dU = PLAIN[date.getUTCDate()];
    }
    const sec = second - day * 86_400;
    this.h = Math.floor(sec / 3600);
    this.mi = Math.floor(sec / 60) % 60;
    this.s = sec % 60;
    return true;
  }

  /** The text of layout `id` for the time set. */
  render(id: number): string {
    const pieces = PIECES[id];
    let out = '';
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k];
      out += typeof p === 'string' ? p : this.field(p);
    }
    return out;
  }

  /**
   * The length of layout `id`'s text for the time set when `line` holds it at `at`, else -1:
   * piece by piece, so a row whose time lies where its source's last one did is matched without
   * building its text.
   */
  lengthAt(line: string, id: number, at: number): number {
    const pieces = PIECES[id];
    let k = at;
    for (let j = 0; j < pieces.length; j++) {
      const p = pieces[j];
      const text = typeof p === 'string' ? p : this.field(p);
      if (!line.startsWith(text, k)) return -1;
      k += text.length;
    }
    return k - at;
  }

  private field(code: number): string {
    switch (code) {
      case F.Y:
        return this.Y;
      case F.y:
        return this.y;
      case F.m:
        return this.m;
      case F.d:
        return this.d;
      case F['-d']:
        return this.dU;
      case F.H:
        return PAD2[this.h];
      case F.M:
        return PAD2[this.mi];
      case F.S:
        return PAD2[this.s];
      case F['-H']:
        return PLAIN[this.h];
      case F['-M']:
        return PLAIN[this.mi];
      case F['-S']:
        return PLAIN[this.s];
      case F.g:
        return PAD3[Math.floor(this.frac / 1000)];
      case F.usRest:
        return PAD3[this.frac % 1000];
      case F.epoch_s:
        return String(this.second);
      default:
        return String(this.us);
    }
  }
}

const scratch = new TimeText();

/** The zone's part of a place: its minutes zig-zagged (0 for UTC, so a UTC place stays small). */
function zoneCode(zone: number): number {
  return zone >= 0 ? 2 * zone : -2 * zone - 1;
}

/** The zone (minutes east of UTC) of a place's high part. */
export function zoneOfCode(code: number): number {
  return code % 2 === 0 ? code / 2 : -(code + 1) / 2;
}

/** The text of layout `id` for time `ts` (µs, UTC) in `zone` (minutes), or null out of range. */
export function renderTime(id: number, ts: number, zone = 0): string | null {
  if (PIECES[id] === undefined) return null;
  return scratch.set(ts + zone * 60_000_000) ? scratch.render(id) : null;
}

/** A place's layout id. */
export function timePlaceLayout(place: number): number {
  return Math.floor(place / TIME_UNIT) % LAYOUT_SPAN;
}

/** A place's zone in minutes. */
export function timePlaceZone(place: number): number {
  return zoneOfCode(Math.floor(place / TIME_UNIT / LAYOUT_SPAN));
}

/** A place's code points before the cut. */
export function timePlaceAt(place: number): number {
  return place % TIME_UNIT;
}

/** The packed place of a cut `at` code points in, of layout `id` rendered in `zone`. */
export function timePlace(at: number, id: number, zone: number): number {
  return at + (id + LAYOUT_SPAN * zoneCode(zone)) * TIME_UNIT;
}

const digitAt = (s: string, k: number): boolean => isDigit(s.charCodeAt(k));

/** Where `text` lies in `line` with no digit next to it (trying `hint` first), or -1. */
function findText(line: string, text: string, hint: number): number {
  let at = hint >= 0 && line.startsWith(text, hint) ? hint : line.indexOf(text);
  while (at >= 0) {
    if (!digitAt(line, at - 1) && !digitAt(line, at + text.length)) return at;
    at = line.indexOf(text, at + 1);
  }
  return -1;
}

/**
 * The length of layout `id`'s text for the time set when `line` holds it at `at` with no digit
 * beside it, else -1: matched piece by piece, no text built.
 */
function placedAt(line: string, id: number, at: number): number {
  if (at < 0) return -1;
  const n = scratch.lengthAt(line, id, at);
  return n > 0 && !digitAt(line, at - 1) && !digitAt(line, at + n) ? n : -1;
}

/**
 * What the last rows of one source found, tried first on the next one: the layout and place of
 * the last find, and of the last different one before it. A file may mix two layouts line by
 * line (Apache 2.2 and 2.4 error lines, `[Tue Jun 09 00:04:36 2026]` and `[... 00:27:38.420525
 * 2026]`); with one remembered, each change of layout searched every layout before it: the
 * real-shaped Apache error file took 3.7 µs a row to parse and encode, 2.3 µs with both kept
 * (its 33,333 lines through addRawBlock and serializeRows, one thread, medians of 8
 * passes, 3 alternated runs, 2026-12-08).
 */
interface SourceState {
  layout: number;
  at: number;
  /** The layout found before `layout` (0 for none), and where. */
  other: number;
  otherAt: number;
  /** Rows to pass over before searching every layout again, after misses. */
  skip: number;
  /** How many rows the next miss makes it skip (doubling, up to MAX_SKIP). */
  backoff: number;
}

/**
 * After a row of a source where no layout was found, the next `backoff` rows of that source are
 * not searched in every layout (doubling up to this): a source whose lines carry no time text
 * (logcat brief, nanosecond stamps) would otherwise render and look for 20 texts a row.
 */
const MAX_SKIP = 32;
const SOURCES_KEPT = 4096;

/** The result of `TimeFinder.find`: where the text lies (UTF-16 units) and what it is. */
export interface TimeCut {
  /** UTF-16 index of the text in the line. */
  at: number;
  /** Its length (UTF-16 units; ASCII, so bytes and code points too). */
  length: number;
  layout: number;
  zone: number;
}

/**
 * Finds a row's time text in its line: the two layouts last found in the source's rows first
 * (where they lay then, else anywhere), then every layout in order. One finder per encoding
 * thread; its memory of sources is bounded.
 */
export class TimeFinder {
  private readonly sources = new Map<string, SourceState>();
  private lastSource: string | null = null;
  private last: SourceState | null = null;
  /** The last result (reused: no object per row). */
  readonly cut: TimeCut = { at: -1, length: 0, layout: 0, zone: 0 };

  /** Finds `ts` (µs, UTC) in `line` from `source`: true with `cut` set, or false. */
  find(line: string, ts: number, source: string): boolean {
    const st = this.state(source);
    if (!scratch.set(ts)) return false;
    if (st.layout > 0) {
      // Where the source's last times lay, first: most lines of a file put it in one place.
      const n = placedAt(line, st.layout, st.at);
      if (n > 0) return this.found(st, st.at, n, st.layout);
      const m = st.other > 0 ? placedAt(line, st.other, st.otherAt) : -1;
      if (m > 0) return this.found(st, st.otherAt, m, st.other);
      if (this.lookFor(st, line, st.layout, st.at)) return true;
      if (st.other > 0 && this.lookFor(st, line, st.other, st.otherAt)) return true;
    }
    if (st.skip > 0) {
      st.skip--;
      return false;
    }
    for (let k = 0; k < TIME_LAYOUTS.length; k++) {
      const id = TIME_LAYOUTS[k].id;
      if (id !== st.layout && id !== st.other && this.lookFor(st, line, id, -1)) return true;
    }
    st.skip = st.backoff;
    st.backoff = Math.min(MAX_SKIP, st.backoff * 2);
    return false;
  }

  /** Renders layout `id` and looks for it anywhere in `line` (at `hint` first); found or not. */
  private lookFor(st: SourceState, line: string, id: number, hint: number): boolean {
    const text = scratch.render(id);
    const at = findText(line, text, hint);
    return at >= 0 && this.found(st, at, text.length, id);
  }

  private found(st: SourceState, at: number, length: number, layout: number): boolean {
    if (layout !== st.layout) {
      st.other = st.layout;
      st.otherAt = st.at;
    }
    st.layout = layout;
    st.at = at;
    st.backoff = 1;
    const c = this.cut;
    c.at = at;
    c.length = length;
    c.layout = layout;
    c.zone = 0;
    return true;
  }

  private state(source: string): SourceState {
    if (source === this.lastSource && this.last !== null) return this.last;
    let st = this.sources.get(source);
    if (st === undefined) {
      if (this.sources.size >= SOURCES_KEPT) this.sources.clear();
      st = { layout: 0, at: -1, other: 0, otherAt: -1, skip: 0, backoff: 1 };
      this.sources.set(source, st);
    }
    this.lastSource = source;
    this.last = st;
    return st;
  }
}
