/**
 * Apache common log format (`%h %l %u %t "%r" %>s %b`): the combined layout without referrer and
 * user agent. Shares the combined scanner; a line that does carry them is reported as combined.
 */
import type { FormatDef } from '../types.js';
import { apacheCombined } from './apache-combined.js';

/** The `apache_common` format. */
export const apacheCommon: FormatDef = {
  id: 'apache_common',
  parse: apacheCombined.parse,
  probe: apacheCombined.probe,
  access: apacheCombined.access,
};
