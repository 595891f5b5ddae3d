/**
 * `json`: structured application logs, one JSON object per line, the way pino, zap or
 * logstash-logback-encoder write them: ts (ISO 8601, microseconds), level, service, host, message,
 * trace_id, span_id, latency_ms, user_id, and for request lines method, path and status.
 * Every value is drawn from pools that need no JSON escaping, so lines are plain concatenation.
 */
import { nextU32 } from '../prng.js';
import { drawStatusOfClass, GEN_LEVELS, hexId, renderTemplate, routePath } from '../scene.js';
import { fracMicros, isoSecond } from '../time-text.js';
import { draw } from '../weighted.js';
import type { LogFormat } from './format.js';

const LEVEL_TEXT = GEN_LEVELS.map((l) => `","level":"${l.toUpperCase()}","service":"`);
/** Status class per level for request lines: INFO 2xx/3xx, WARN 4xx, ERROR 5xx. */
const LEVEL_DEBUG = 0;
const LEVEL_INFO = 1;
const LEVEL_WARN = 2;

/** The `json` format. */
export const json: LogFormat = {
  id: 'json',
  description: 'JSON application logs: ts, level, service, host, message, trace and span ids, latency, user',
  ascii: true,
  create({ rng, scene }) {
    let sec = Number.NaN;
    let prefix = '';
    return (tsUs) => {
      const s = Math.floor(tsUs / 1_000_000);
      if (s !== sec) {
        sec = s;
        prefix = '{"ts":"' + isoSecond(s);
      }
      const level = draw(scene.levelW, rng);
      const svc = draw(scene.serviceW, rng);
      const hosts = scene.hosts[svc];
      const u = nextU32(rng);
      const lat = scene.latencyText[u & 4095];
      let line =
        prefix +
        fracMicros(tsUs) +
        'Z' +
        LEVEL_TEXT[level] +
        scene.services[svc] +
        '","host":"' +
        hosts[(u >>> 12) % hosts.length] +
        '","message":"';
      let request = '';
      // Six in ten non-debug lines are request logs; their status agrees with the level.
      if (level !== LEVEL_DEBUG && u >>> 28 < 10) {
        const route = scene.routes[draw(scene.routeW, rng)];
        const path = routePath(scene, rng, route);
        const cls = level === LEVEL_INFO ? (((u >>> 16) & 15) < 2 ? 1 : 0) : level === LEVEL_WARN ? 2 : 3;
        const status = drawStatusOfClass(scene, rng, cls);
        line += route.method + ' ' + path + ' ' + status + ' in ' + lat + 'ms';
        request = ',"method":"' + route.method + '","path":"' + path + '","status":' + status;
      } else {
        const list = scene.messages[level];
        line += renderTemplate(list[(u >>> 16) % list.length], rng);
      }
      return (
        line +
        '","trace_id":"' +
        hexId(rng, 4) +
        '","span_id":"' +
        hexId(rng, 2) +
        '","latency_ms":' +
        lat +
        ',"user_id":"' +
        scene.userIds[draw(scene.userIdW, rng)] +
        '"' +
        request +
        '}'
      );
    };
  },
};
