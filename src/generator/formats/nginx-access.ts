/**
 * `nginx_access`: nginx's `main` log_format — the combined layout plus the X-Forwarded-For header:
 * `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
 * "$http_user_agent" "$http_x_forwarded_for"`.
 */
import { nextInt, nextU32 } from '../prng.js';
import { clfSecond, perSecond } from '../time-text.js';
import { draw } from '../weighted.js';
import type { LogFormat } from './format.js';
import { requestLines } from './request-line.js';

/** The `nginx_access` format. */
export const nginxAccess: LogFormat = {
  id: 'nginx_access',
  description: 'nginx access log (main layout): combined fields plus X-Forwarded-For',
  ascii: true,
  create({ rng, scene }) {
    // Behind a load balancer the peer is one of a few proxies; the client is in X-Forwarded-For.
    const proxies = ['10.0.1.10 - ', '10.0.1.11 - ', '10.0.2.10 - '];
    const requests = requestLines(scene);
    const statusText = scene.statusCodes.map((codes) => codes.map((c) => `${c} `));
    const referrers = scene.referrers.map((r) => ` "${r}" "`);
    const agents = scene.userAgents.map((a) => `${a}" "`);
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
      const size = status === 304 || status === 204 ? '0' : scene.sizeText[u >>> 20];
      return (
        proxies[(u >>> 8) % 3] +
        user +
        time(tsUs) +
        request +
        statusText[cls][code] +
        size +
        referrers[draw(scene.referrerW, rng)] +
        agents[draw(scene.userAgentW, rng)] +
        scene.ips[draw(scene.ipW, rng)] +
        '"'
      );
    };
  },
};
