/**
 * What the two syslog formats share: the programs that log, their facilities, and severities
 * from the scene's level mix (debug 7, info 6, warn 4, error 3).
 */
import { type AppEvent, DEBUG } from '../app-event.js';

/** Severity per scene level index (debug, info, warn, error). */
export const SEVERITY = [7, 6, 4, 3];

/** A system program: name and facility (RFC 5424 §6.2.1 numbering). */
export interface Program {
  name: string;
  facility: number;
  /** Messages per scene level; empty means the application event's own message. */
  messages: string[][];
}

/** System daemons next to the shop's services (which log as local0, facility 16). */
export const PROGRAMS: Program[] = [
  {
    name: 'sshd',
    facility: 4,
    messages: [
      ['debug1: Forked child 30121.'],
      [
        'Accepted publickey for deploy from 10.0.0.5 port 51234 ssh2: ED25519 SHA256:Qm3xUuPq0v',
        'pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)',
      ],
      [
        'Invalid user admin from 203.0.113.9 port 40022',
        'Connection closed by authenticating user root 198.51.100.23 port 52110 [preauth]',
      ],
      [
        'error: kex_exchange_identification: Connection closed by remote host',
        'fatal: Timeout before authentication for 203.0.113.9 port 40022',
      ],
    ],
  },
  {
    name: 'CRON',
    facility: 9,
    messages: [
      ['(root) RELOAD (crontabs/root)'],
      [
        '(root) CMD (/usr/local/bin/backup.sh >/dev/null 2>&1)',
        'pam_unix(cron:session): session closed for user root',
      ],
      ['(CRON) info (No MTA installed, discarding output)'],
      ['(root) ERROR (failed to change user)'],
    ],
  },
  {
    name: 'kernel',
    facility: 0,
    messages: [
      ['audit: type=1400 audit(1732708800.123:57): apparmor="STATUS" operation="profile_load"'],
      ['eth0: Link is Up - 10Gbps/Full - flow control off', 'EXT4-fs (nvme0n1p1): re-mounted. Opts: (null)'],
      ['TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.'],
      ['Out of memory: Killed process 2711 (java) total-vm:8912345kB, anon-rss:4023412kB'],
    ],
  },
  {
    name: 'systemd',
    facility: 3,
    messages: [
      ['Reloading requested from client PID 1 (unit n/a)...'],
      [
        'Started Session 4242 of User deploy.',
        'Starting Daily apt download activities...',
        'logrotate.service: Succeeded.',
      ],
      ['checkout.service: Watchdog timeout (limit 30s)!'],
      [
        'payments.service: Main process exited, code=exited, status=1/FAILURE',
        'Failed to start Payments API.',
      ],
    ],
  },
];

/** Shop services log as local0. */
export const APP_FACILITY = 16;

/** A system program's message for `e`'s level, or null when the event is an application one. */
export function programMessage(p: Program | null, e: AppEvent): string | null {
  if (!p) return null;
  const list = p.messages[e.level] ?? p.messages[DEBUG];
  return list[(e.extra >>> 8) % list.length];
}
