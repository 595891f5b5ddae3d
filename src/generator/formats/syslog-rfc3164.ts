/**
 * `syslog_rfc3164`: BSD syslog as a relay sends it (RFC 3164 §4.1):
 * `<PRI>Nov 27 12:00:00 host program[pid]: message`. The host is the shop host the event came
 * from; a quarter of the lines come from system daemons (sshd, CRON, kernel, systemd).
 */
import { drawAppEvent, newAppEvent } from '../app-event.js';
import { bsdSecond, perSecond } from '../time-text.js';
import type { LogFormat } from './format.js';
import { APP_FACILITY, PROGRAMS, programMessage, SEVERITY } from './syslog.js';

/** The `syslog_rfc3164` format. */
export const syslogRfc3164: LogFormat = {
  id: 'syslog_rfc3164',
  description: 'BSD syslog (RFC 3164): <PRI>, time, host, program[pid], message',
  ascii: true,
  create({ rng, scene }) {
    const e = newAppEvent();
    const time = perSecond((s) => `${bsdSecond(s)} `);
    return (tsUs) => {
      drawAppEvent(scene, rng, e);
      const sev = SEVERITY[e.level];
      const prog = (e.extra & 3) === 0 ? PROGRAMS[(e.extra >>> 2) % PROGRAMS.length] : null;
      const pid = 1000 + ((e.extra >>> 4) & 8191);
      const facility = prog ? prog.facility : APP_FACILITY;
      const tag = prog
        ? prog.name === 'kernel'
          ? 'kernel:'
          : prog.name + '[' + pid + ']:'
        : e.service + '[' + pid + ']:';
      return (
        '<' +
        (facility * 8 + sev) +
        '>' +
        time(tsUs) +
        e.host +
        ' ' +
        tag +
        ' ' +
        (programMessage(prog, e) ?? e.message)
      );
    };
  },
};
