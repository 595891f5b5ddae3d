/**
 * The start every binary body between logpipe's processes shares (raw lines, segment rows): a
 * 4-byte tag, a u32 header length, a JSON header carrying the sender's byte order as `le`, and
 * padding to a multiple of 8 bytes, where the body's sections begin. Sections that follow start
 * at multiples of 8 too, so typed arrays can view them in place.
 */
import { isUtf8 } from 'node:buffer';
import { UserError } from './errors.js';

/** Whether this machine stores numbers little-endian (typed arrays use its order). */
export const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** `n` rounded up to a multiple of 8. */
export const pad8 = (n: number): number => (n + 7) & ~7;

/** The tag, the header (with this machine's byte order added) and the padding after it. */
export function bodyHead(tag: string, header: object): Buffer {
  const json = Buffer.from(JSON.stringify({ ...header, le: LITTLE_ENDIAN }), 'utf8');
  const head = Buffer.alloc(pad8(8 + json.length));
  head.write(tag, 0, 'latin1');
  head.writeUInt32LE(json.length, 4);
  json.copy(head, 8);
  return head;
}

/**
 * Reads a body's head: its header, the body as a Buffer at an 8-byte-aligned address (copied
 * when it was not), and where its sections begin. Throws UserError `<what>: <problem>`.
 */
export function readBodyHead(
  body: Uint8Array,
  tag: string,
  what: string,
): { header: Record<string, unknown>; buf: Buffer; at: number } {
  const bad = (problem: string): never => {
    throw new UserError(`${what}: ${problem}`);
  };
  // Typed arrays need their element alignment: sections sit at multiples of 8 from the start.
  const aligned = body.byteOffset % 8 === 0 ? body : Uint8Array.prototype.slice.call(body);
  const buf = Buffer.from(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== tag) bad(`the body does not start with ${tag}`);
  const hlen = buf.readUInt32LE(4);
  if (8 + hlen > buf.length) bad('the header runs past the body');
  if (!isUtf8(buf.subarray(8, 8 + hlen))) bad('the header is not UTF-8');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + hlen)) as Record<string, unknown>;
  } catch {
    return bad('the header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    bad('the header is not a JSON object');
  }
  if (header.le !== LITTLE_ENDIAN) bad('numbers are in the other byte order');
  return { header, buf, at: pad8(8 + hlen) };
}
