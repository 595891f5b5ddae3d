/**
 * nginx access log: its default `combined` layout is Apache's, and `main` adds
 * `"$http_x_forwarded_for"` after the user agent (ignored here; raw keeps it). Auto-detection
 * cannot tell nginx from Apache by content and reports such lines as apache_*; forcing
 * `nginx_access` labels them nginx_access.
 */
import type { FormatDef, ParseContext, Parsed } from '../types.js';
import { apacheCombined, scanAccess } from './apache-combined.js';

const NGINX_IDS = { combined: 'nginx_access', common: 'nginx_access' };

/** Parses an nginx access line (combined or common layout). */
export function parseNginxAccess(line: string, ctx: ParseContext): Parsed | null {
  return scanAccess(line, ctx, NGINX_IDS.combined, NGINX_IDS.common);
}

/** The `nginx_access` format. */
export const nginxAccess: FormatDef = {
  id: 'nginx_access',
  parse: parseNginxAccess,
  probe: apacheCombined.probe,
  access: NGINX_IDS,
};
