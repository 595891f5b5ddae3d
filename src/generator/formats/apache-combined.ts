/**
 * `apache_combined`: Apache's Combined Log Format,
 * `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`.
 * The hot path of the unthrottled benchmark: every fixed piece (`ip - -`, the request line up to
 * its id, `" 200 `, the quoted referrer and agent) is concatenated once at setup, so a line is
 * about eight pieces — fewer pieces make V8's rope cheaper to flatten when it is encoded.
 */
import { nextInt, nextU32 } from '../prng.js';
import { clfSecond } from '../time-text.js';
import { draw } from '../weighted.js';
import type { LogFormat } from './format.js';
import { requestLines } from './request-line.js';

/** The `apache_combined` format. */
export const apacheCombined: LogFormat = {
  id: 'apache_combined',
  description: 'Apache combined access log: client, user, time, request, status, size, referrer, agent',
  ascii: true,
  create({ rng, scene }) {
    const clients = scene.ips.map((ip) => `${ip} - `);
    const requests = requestLines(scene);
    const statusText = scene.statusCodes.map((codes) => codes.map((c) => `${c} `));
    const referrers = scene.referrers.map((r) => ` "${r}" "`);
    const agents = scene.userAgents.map((a) => `${a}"`);
    const users = scene.authUsers;
    let sec = Number.NaN;
    let time = '';
    return (tsUs) => {
      const s = Math.floor(tsUs / 1_000_000);
      if (s !== sec) {
        sec = s;
        time = ` [${clfSecond(s)}] "`;
      }
      const req = requests[draw(scene.routeW, rng)];
      let request: string;
      if (req.idMax > 0) request = req.head + (1 + nextInt(rng, req.idMax)) + req.tail;
      else if (req.idMax < 0)
        request = req.head + scene.searchTerms[nextInt(rng, -req.idMax)] + ' HTTP/1.1" ';
      else request = req.head;
      const cls = draw(scene.statusClassW, rng);
      const code = draw(scene.statusCodeW[cls], rng);
      const status = scene.statusCodes[cls][code];
      // One draw decides the authenticated user (1 in 16), its name and the response size.
      const u = nextU32(rng);
      const user = (u & 15) === 0 ? users[(u >>> 4) % users.length] : '-';
      const size = status === 304 || status === 204 ? '-' : scene.sizeText[u >>> 20];
      return (
        clients[draw(scene.ipW, rng)] +
        user +
        time +
        request +
        statusText[cls][code] +
        size +
        referrers[draw(scene.referrerW, rng)] +
        agents[draw(scene.userAgentW, rng)]
      );
    };
  },
};
