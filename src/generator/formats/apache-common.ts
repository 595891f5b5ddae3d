/** `apache_common`: Apache's Common Log Format, `%h %l %u %t "%r" %>s %b`. */
import { nextInt, nextU32 } from '../prng.js';
import { clfSecond, perSecond } from '../time-text.js';
import { draw } from '../weighted.js';
import type { LogFormat } from './format.js';
import { requestLines } from './request-line.js';

/** The `apache_common` format. */
export const apacheCommon: LogFormat = {
  id: 'apache_common',
  description: 'Apache common access log: client, user, time, request, status, size',
  ascii: true,
  create({ rng, scene }) {
    const clients = scene.ips.map((ip) => `${ip} - `);
    const requests = requestLines(scene);
    const statusText = scene.statusCodes.map((codes) => codes.map((c) => `${c} `));
    const time = perSecond((s) => ` [${clfSecond(s)}] "`);
    return (tsUs) => {
      const req = requests[draw(scene.routeW, rng)];
      const request =
        req.idMax > 0
          ? req.head + (1 + nextInt(rng, req.idMax)) + req.tail
          : req.idMax < 0
            ? req.head + scene.searchTerms[nextInt(rng, -req.idMax)] + req.tail
            : req.head;
      const cls = draw(scene.statusClassW, rng);
      const code = draw(scene.statusCodeW[cls], rng);
      const status = scene.statusCodes[cls][code];
      const u = nextU32(rng);
      const user = (u & 15) === 0 ? scene.authUsers[(u >>> 4) % scene.authUsers.length] : '-';
      const size = status === 304 || status === 204 ? '-' : scene.sizeText[u >>> 20];
      return clients[draw(scene.ipW, rng)] + user + time(tsUs) + request + statusText[cls][code] + size;
    };
  },
};
