/**
 * `nginx_error`: nginx's error log,
 * `2026/11/27 12:00:00 [error] 1234#0: *90 message, client: 1.2.3.4, server: shop.example.com,
 * request: "GET /x HTTP/1.1", upstream: "...", host: "shop.example.com"`.
 */
import { nextInt, nextU32 } from '../prng.js';
import { routePath } from '../scene.js';
import { perSecond, slashedSecond } from '../time-text.js';
import { draw } from '../weighted.js';
import type { LogFormat } from './format.js';

/** nginx's own level words for debug, info, warn, error (drawn from the scene's level mix). */
const LEVELS = [' [debug] ', ' [notice] ', ' [warn] ', ' [error] '];

/** Messages per level; request-related ones get the client/request context appended. */
const MESSAGES: [string, boolean][][] = [
  [
    ['http keepalive handler', true],
    ['free: 000055D0C2A1B2F0, unused: 0', false],
  ],
  [
    ['signal process started', false],
    ['using inherited sockets from "6;"', false],
    ['reopening logs', false],
  ],
  [
    [
      'an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001',
      true,
    ],
    ['upstream server temporarily disabled while reading response header from upstream', true],
    ['client intended to send too large body: 10485761 bytes', true],
  ],
  [
    ['upstream timed out (110: Connection timed out) while reading response header from upstream', true],
    ['connect() failed (111: Connection refused) while connecting to upstream', true],
    ['open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory)', true],
    ['recv() failed (104: Connection reset by peer) while reading response header from upstream', true],
  ],
];

/** The `nginx_error` format. */
export const nginxError: LogFormat = {
  id: 'nginx_error',
  description: 'nginx error log: time, level, pid#tid, connection, message and request context',
  ascii: true,
  create({ rng, scene }) {
    const time = perSecond(slashedSecond);
    return (tsUs) => {
      const level = draw(scene.levelW, rng);
      const u = nextU32(rng);
      const list = MESSAGES[level];
      const [msg, withRequest] = list[(u >>> 8) % list.length];
      let line = time(tsUs) + LEVELS[level] + (1000 + (u & 255)) + '#0: ';
      if (!withRequest) return line + msg;
      const route = scene.routes[draw(scene.routeW, rng)];
      line +=
        '*' +
        (1 + nextInt(rng, 900_000)) +
        ' ' +
        msg +
        ', client: ' +
        scene.ips[draw(scene.ipW, rng)] +
        ', server: shop.example.com, request: "' +
        route.method +
        ' ' +
        routePath(scene, rng, route) +
        ' HTTP/1.1"';
      if (msg.includes('upstream')) line += ', upstream: "http://10.0.3.' + (10 + (u >>> 28)) + ':8080/"';
      return line + ', host: "shop.example.com"';
    };
  },
};
