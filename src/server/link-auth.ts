/**
 * Who may speak logpipe's internal protocols on an ingest route: the binary bodies (raw lines,
 * segment rows), the raw-events and log-events streams and the batch order header all name the
 * (source, generation, offset) identities that decide exactly-once, so only logpipe's own
 * components may send them. A component proves it with the data dir's link secret
 * (core/link-secret.ts); where the server requires a bearer token (containers, hosts that share
 * no data dir) the token, checked before this, is that proof. Anyone else may post plain lines
 * and NDJSON application logs, whose identities the receiver assigns.
 */

import { UserError } from '../core/errors.js';
import { LINK_SECRET_HEADER, sameSecret } from '../core/link-secret.js';

/** Media types of logpipe's internal bodies share this start; only components send them. */
export const INTERNAL_MEDIA_PREFIX = 'application/vnd.logpipe.';

/** A content type without its parameters. */
export function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim();
}

/** What a receiver checks internal requests against. */
export interface LinkAuth {
  /**
   * The data dir's link secret. Absent: every client counts as a component (an app built in
   * process, as tests do); every server logpipe starts has one.
   */
  secret?: string;
  /** The bearer token the server requires, if any (already checked for every /api request). */
  token?: string;
}

/** A request that spoke an internal protocol without the link secret: 401 (none) or 403 (wrong). */
export class LinkAuthError extends UserError {
  override name = 'LinkAuthError';
  constructor(
    message: string,
    readonly status: 401 | 403,
  ) {
    super(message);
  }
}

/** Whether the request carrying `header` (the link secret header's value) comes from a component. */
export function isComponent(auth: LinkAuth, header: string | undefined): boolean {
  if (auth.secret === undefined || auth.token !== undefined) return true;
  return sameSecret(header, auth.secret);
}

/**
 * Throws LinkAuthError unless the request comes from a component; `what` names what it sent
 * ("a raw-lines body").
 */
export function requireComponent(auth: LinkAuth, header: string | undefined, what: string): void {
  if (isComponent(auth, header)) return;
  if (header === undefined) {
    throw new LinkAuthError(
      `${what} is for logpipe's own components (they send the data dir's link secret in ${LINK_SECRET_HEADER}); post plain lines or NDJSON instead`,
      401,
    );
  }
  throw new LinkAuthError(
    `${what} came with a wrong ${LINK_SECRET_HEADER} (not this data dir's link secret)`,
    403,
  );
}
