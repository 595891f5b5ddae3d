/**
 * `logfmt`: `key=value` pairs as Heroku, Go's slog text handler and Grafana write them:
 * `time=2026-11-27T12:00:00.123Z level=info service=cart host=cart-1 msg="..." trace_id=...`.
 * Values with spaces are double-quoted; none of the drawn values needs escaping.
 */
import { drawAppEvent, newAppEvent } from '../app-event.js';
import { hexId } from '../scene.js';
import { fracMillis, isoSecond, perSecond } from '../time-text.js';
import type { LogFormat } from './format.js';

const LEVEL_TEXT = [
  'Z level=debug service=',
  'Z level=info service=',
  'Z level=warn service=',
  'Z level=error service=',
];

/** The `logfmt` format. */
export const logfmt: LogFormat = {
  id: 'logfmt',
  description:
    'logfmt key=value lines: time, level, service, host, msg, trace_id, latency_ms, user_id, request fields',
  ascii: true,
  create({ rng, scene }) {
    const e = newAppEvent();
    const time = perSecond((s) => `time=${isoSecond(s)}`);
    return (tsUs) => {
      drawAppEvent(scene, rng, e);
      let line =
        time(tsUs) +
        fracMillis(tsUs) +
        LEVEL_TEXT[e.level] +
        e.service +
        ' host=' +
        e.host +
        ' msg="' +
        e.message +
        '" trace_id=' +
        hexId(rng, 4) +
        ' latency_ms=' +
        e.latencyText +
        ' user_id=' +
        e.userId;
      if (e.status) {
        // A bare value may not contain `=` (query strings do): quote those.
        const path = e.path.includes('=') ? '"' + e.path + '"' : e.path;
        line += ' method=' + e.method + ' path=' + path + ' status=' + e.status;
      }
      return line;
    };
  },
};
