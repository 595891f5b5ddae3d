/**
 * The secret logpipe's own components share per data dir, so that only they speak its internal
 * protocols (raw-lines and segment-rows bodies, raw-events and log-events streams, the batch
 * order header): the identities (source, generation, offset) those name decide exactly-once, so a
 * request that could forge them must prove it comes from a component. It lives in
 * `<data-dir>/secret` (mode 0600), is created once by the first component that needs it and read
 * by every other; senders put it in the `x-logpipe-link` header, receivers compare it in constant
 * time. It is never logged, and never passed on a command line or in the environment.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { UserError } from './errors.js';

/** The request header that carries the secret on every internal link. */
export const LINK_SECRET_HEADER = 'x-logpipe-link';

/** 32 random bytes as hex. */
const SECRET_SHAPE = /^[0-9a-f]{64}$/;

/** Where a data dir keeps its link secret. */
export function linkSecretPath(dataDir: string): string {
  return join(dataDir, 'secret');
}

/**
 * The data dir's link secret: read, or created when there is none yet. Creation is atomic (the
 * file appears complete, with mode 0600, or not at all) and two components starting at once
 * end up with the same secret. Throws UserError when the file is unreadable, malformed, or open
 * to other users.
 */
export function loadLinkSecret(dataDir: string): string {
  const path = linkSecretPath(dataDir);
  const found = readLinkSecret(path);
  if (found !== null) return found;
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    // link() fails when the name exists: the first component to get there wins, the others read its.
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
  const made = readLinkSecret(path);
  if (made === null) throw new UserError(`${path} vanished while it was being created`);
  return made;
}

/** The secret in `path`, or null when there is no such file. */
function readLinkSecret(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`cannot read the link secret ${path}: ${(err as Error).message}`);
  }
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UserError(
      `the link secret ${path} is open to other users (mode ${mode.toString(8)}): chmod 600 it, or delete it to have a new one made`,
    );
  }
  const secret = text.trim();
  if (!SECRET_SHAPE.test(secret)) {
    throw new UserError(`the link secret ${path} is malformed: delete it to have a new one made`);
  }
  return secret;
}

/** Whether `given` is `expected`, in time that does not depend on where they differ. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Digests have one length whatever was sent, so the comparison does not leak the length either.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
