/**
 * `apache_error`: Apache 2.4's error log,
 * `[Fri Nov 27 12:00:00.123456 2026] [core:error] [pid 4242:tid 139872] [client 1.2.3.4:55002] AH00126: message`.
 */
import { nextU32 } from '../prng.js';
import { ctimeParts, fracMicros, perSecond } from '../time-text.js';
import { draw } from '../weighted.js';
import type { LogFormat } from './format.js';

const LEVEL_WORDS = ['debug', 'info', 'warn', 'error'];

/** [module, code-and-message, has client] per level. */
const MESSAGES: [string, string, boolean][][] = [
  [
    ['ssl', 'AH02034: Initial (No.1) HTTPS request received for child 4 (server shop.example.com:443)', true],
    ['proxy', 'AH00944: connecting https://10.0.3.12:8080/ to 10.0.3.12:8080', false],
  ],
  [
    ['mpm_event', 'AH00489: Apache/2.4.62 (Unix) configured -- resuming normal operations', false],
    ['core', "AH00094: Command line: '/usr/sbin/httpd -D FOREGROUND'", false],
    [
      'ssl',
      'AH01909: shop.example.com:443:0 server certificate does NOT include an ID which matches the server name',
      false,
    ],
  ],
  [
    ['proxy_http', 'AH01110: error reading response', true],
    [
      'mpm_event',
      'AH00484: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting',
      false,
    ],
    ['core', 'AH00646: Error writing to /var/log/httpd/access_log', false],
  ],
  [
    ['core', 'AH00126: Invalid URI in request GET /..%2f..%2fetc/passwd HTTP/1.1', true],
    ['proxy', 'AH00957: HTTP: attempt to connect to 10.0.3.12:8080 (10.0.3.12) failed', true],
    ['authz_core', 'AH01630: client denied by server configuration: /srv/www/admin', true],
    [
      'php:error',
      'PHP Fatal error:  Uncaught Error: Call to a member function get() on null in /srv/www/index.php:42',
      true,
    ],
  ],
];

/** The `apache_error` format. */
export const apacheError: LogFormat = {
  id: 'apache_error',
  description: 'Apache 2.4 error log: ctime with microseconds, module:level, pid/tid, client, message',
  ascii: true,
  create({ rng, scene }) {
    const time = perSecond(ctimeParts);
    return (tsUs) => {
      const [head, year] = time(tsUs);
      const level = draw(scene.levelW, rng);
      const u = nextU32(rng);
      const list = MESSAGES[level];
      const [mod, msg, withClient] = list[(u >>> 8) % list.length];
      const word = mod.includes(':') ? mod : mod + ':' + LEVEL_WORDS[level];
      let line =
        '[' +
        head +
        fracMicros(tsUs) +
        year +
        '] [' +
        word +
        '] [pid ' +
        (2000 + (u & 1023)) +
        ':tid ' +
        (139_870_000_000_000 + (u >>> 12)) +
        '] ';
      if (withClient)
        line += '[client ' + scene.ips[draw(scene.ipW, rng)] + ':' + (32768 + (u >>> 17)) + '] ';
      return line + msg;
    };
  },
};
