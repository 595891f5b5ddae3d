/**
 * The checkpoint file: where each file's reading stands, as acknowledged downstream. One JSON
 * file written atomically (temp file, fsync, rename, fsync of the directory) with a SHA-256 of
 * its body, so a torn or hand-edited file is detected. A missing or corrupt file is never fatal:
 * the caller is warned and every file starts again from the beginning (the store drops the
 * re-sent events by their (source, generation, offset)).
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** One file's position: everything before `offset` in (source, generation) was acknowledged. */
export interface CheckpointEntry {
  /** Stable source id: the path at which the file was first seen. */
  source: string;
  generation: string;
  /** Content fingerprint (the generation may carry a suffix when two files share one). */
  fingerprint: string;
  /** Where the file was last seen. */
  path: string;
  dev: number;
  ino: number;
  offset: number;
  /** Resume inside an over-long line: skip to its newline first. */
  skip: boolean;
  /** Base64 of the bytes just before `offset`, to recognise this content at another path. */
  anchor: string;
  /** Epoch ms of the last change to this entry. */
  updated: number;
}

const HEADER = 'logpipe-checkpoint';

/** What loading found: the entries, and whether a file was there but unusable. */
export interface LoadedCheckpoint {
  entries: CheckpointEntry[];
  /** `missing`: first start; `corrupt`: positions lost, start everything from the beginning. */
  status: 'ok' | 'missing' | 'corrupt';
}

/** Reads a checkpoint file; warns (never throws) when it is missing or corrupt. */
export async function loadCheckpoint(
  path: string,
  onWarning: (msg: string) => void,
  warnIfMissing = true,
): Promise<LoadedCheckpoint> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (warnIfMissing) onWarning(`no checkpoint at ${path} yet; starting fresh`);
      return { entries: [], status: 'missing' };
    }
    onWarning(
      `cannot read checkpoint ${path} (${code ?? String(err)}); every file starts from the beginning`,
    );
    return { entries: [], status: 'corrupt' };
  }
  const why = validate(text);
  if (typeof why === 'string') {
    onWarning(`checkpoint ${path} is corrupt (${why}); every file starts from the beginning`);
    return { entries: [], status: 'corrupt' };
  }
  return { entries: why, status: 'ok' };
}

function validate(text: string): CheckpointEntry[] | string {
  const nl = text.indexOf('\n');
  if (nl === -1) return 'no header line';
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, nl));
  } catch {
    return 'header is not JSON';
  }
  const h = header as { format?: unknown; version?: unknown; sha256?: unknown };
  if (!h || h.format !== HEADER) return 'not a logpipe checkpoint';
  if (h.version !== 1) return `unsupported version ${JSON.stringify(h.version)}`;
  const body = text.slice(nl + 1);
  if (sha256(body) !== h.sha256) return 'checksum mismatch';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  const files = (parsed as { files?: unknown })?.files;
  if (!Array.isArray(files)) return 'no file list';
  const out: CheckpointEntry[] = [];
  for (const f of files) {
    const e = f as Partial<CheckpointEntry>;
    if (
      typeof e?.source !== 'string' ||
      typeof e.generation !== 'string' ||
      typeof e.fingerprint !== 'string' ||
      typeof e.path !== 'string' ||
      !Number.isSafeInteger(e.offset) ||
      (e.offset as number) < 0
    ) {
      return 'malformed file entry';
    }
    out.push({
      source: e.source,
      generation: e.generation,
      fingerprint: e.fingerprint,
      path: e.path,
      dev: typeof e.dev === 'number' ? e.dev : -1,
      ino: typeof e.ino === 'number' ? e.ino : -1,
      offset: e.offset as number,
      skip: e.skip === true,
      anchor: typeof e.anchor === 'string' ? e.anchor : '',
      updated: typeof e.updated === 'number' ? e.updated : 0,
    });
  }
  return out;
}

/** Writes the checkpoint atomically: a crash at any moment leaves the old or the new file whole. */
export async function saveCheckpoint(path: string, entries: CheckpointEntry[]): Promise<void> {
  const body = JSON.stringify({ saved_at: Date.now(), files: entries });
  const text = `${JSON.stringify({ format: HEADER, version: 1, sha256: sha256(body) })}\n${body}`;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  // The rename is durable only once the directory entry is on disk.
  const dh = await open(dir, 'r');
  try {
    await dh.sync().catch(() => {}); // some filesystems refuse fsync on a directory
  } finally {
    await dh.close();
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
