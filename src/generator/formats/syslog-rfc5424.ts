/**
 * `syslog_rfc5424`: syslog's current format (RFC 5424 §6):
 * `<PRI>1 2026-11-27T12:00:00.123456Z host app procid msgid [sd] message`. Application events carry
 * structured data with their trace id, user and (for requests) method, path and status.
 */
import { drawAppEvent, newAppEvent } from '../app-event.js';
import { hexId } from '../scene.js';
import { fracMicros, isoSecond, perSecond } from '../time-text.js';
import type { LogFormat } from './format.js';
import { APP_FACILITY, PROGRAMS, programMessage, SEVERITY } from './syslog.js';

/** The private enterprise number of RFC 5612's documentation examples. */
const SD_ID = 'shop@32473';

/** The `syslog_rfc5424` format. */
export const syslogRfc5424: LogFormat = {
  id: 'syslog_rfc5424',
  description: 'syslog (RFC 5424): <PRI>1, RFC 3339 time, host, app, procid, msgid, structured data, message',
  ascii: true,
  create({ rng, scene }) {
    const e = newAppEvent();
    const time = perSecond(isoSecond);
    return (tsUs) => {
      drawAppEvent(scene, rng, e);
      const sev = SEVERITY[e.level];
      const prog = (e.extra & 3) === 0 ? PROGRAMS[(e.extra >>> 2) % PROGRAMS.length] : null;
      const pid = 1000 + ((e.extra >>> 4) & 8191);
      const head =
        '<' +
        ((prog ? prog.facility : APP_FACILITY) * 8 + sev) +
        '>1 ' +
        time(tsUs) +
        fracMicros(tsUs) +
        'Z ' +
        e.host +
        ' ';
      if (prog)
        return (
          head + prog.name + ' ' + (prog.name === 'kernel' ? '-' : pid) + ' - - ' + programMessage(prog, e)
        );
      let sd =
        '[' +
        SD_ID +
        ' trace_id="' +
        hexId(rng, 4) +
        '" user_id="' +
        e.userId +
        '" latency_ms="' +
        e.latencyText +
        '"';
      if (e.status) sd += ' method="' + e.method + '" path="' + e.path + '" status="' + e.status + '"';
      return head + e.service + ' ' + pid + (e.status ? ' request ' : ' app ') + sd + '] ' + e.message;
    };
  },
};
