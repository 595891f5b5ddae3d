/** Containers and cloud: Docker, Kubernetes klog and CRI, the systemd journal, CloudTrail. */
import type { Level } from '../../src/core/events.js';
import {
  clock,
  hex,
  int,
  ip,
  isoDate,
  isoSpace,
  L,
  MON,
  p2,
  p3,
  p6,
  parts,
  pick,
  type SystemDef,
  secOf,
} from './kit.js';

// ---------------------------------------------------------------------------------------------
// Containers and cloud

export const dockerJson: SystemDef = {
  name: 'docker_json',
  about: 'Docker json-file driver ({"log":...,"stream":...,"time":RFC 3339 ns})',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [log, level] = pick(r, [
      [
        `${ip(r)} - - [${p2(p.d)}/${MON[p.mo - 1]}/${p.y}:${clock(p)} +0000] "GET / HTTP/1.1" 200 612 "-" "curl/7.52.1" "-"\n`,
        null,
      ],
      ['Listening on port 8080\n', null],
      ['npm ERR! code ELIFECYCLE\n', null],
      ['WARN  cache miss ratio above 0.5 — größer als erwartet\n', 'warn'],
      ['ERROR connection to db refused\n', 'error'],
      ['    at Module._compile (internal/modules/cjs/loader.js:778:30)\n', null],
    ] as [string, Level | null][]);
    const ns = `${p3(p.ms)}${p6(int(r, 0, 999999))}`;
    const line = JSON.stringify({
      log,
      stream: level === null ? 'stdout' : 'stderr',
      time: `${isoDate(p)}T${clock(p)}.${ns}Z`,
    });
    return L(line, level, t);
  },
  fixed: [],
};

export const klog: SystemDef = {
  name: 'k8s_klog',
  about: 'Kubernetes components, klog (Lmmdd HH:mm:ss.uuuuuu pid file:line] text), no year',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [letter, level, src, msg] = pick(r, [
      ['I', 'info', 'controller.go:123', '"Reconciled" pod="default/web-0"'],
      [
        'I',
        'info',
        'leaderelection.go:248',
        'attempting to acquire leader lease kube-system/kube-controller-manager...',
      ],
      [
        'W',
        'warn',
        'reflector.go:424',
        'k8s.io/client-go/informers/factory.go:134: watch of *v1.Pod ended with: an error on the server ("unable to decode an event from the watch stream: http2: client connection lost") has prevented the request from succeeding',
      ],
      ['E', 'error', 'kubelet.go:2263', '"Error getting node" err="node \\"worker-1\\" not found"'],
      [
        'F',
        'fatal',
        'server.go:269',
        'failed to run Kubelet: misconfiguration: kubelet cgroup driver: "cgroupfs" is different from docker cgroup driver: "systemd"',
      ],
    ] as [string, Level, string, string][]);
    const us = p6(p.ms * 1000 + int(r, 0, 999));
    return L(
      `${letter}${p2(p.mo)}${p2(p.d)} ${clock(p)}.${us} ${String(int(r, 1, 40000)).padStart(7)} ${src}] ${msg}`,
      level,
      t,
    );
  },
  fixed: [],
};

export const cri: SystemDef = {
  name: 'k8s_cri',
  about: 'Kubernetes container logs, CRI (RFC 3339 ns stamp, stream, F/P tag, the container line)',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const ns = `${p3(p.ms)}${p6(int(r, 0, 999999))}`;
    const stamp = `${isoDate(p)}T${clock(p)}.${ns}Z`;
    const [stream, tag, inner, level] = pick(r, [
      [
        'stderr',
        'F',
        `I${p2(p.mo)}${p2(p.d)} ${clock(p)}.${p6(p.ms * 1000)}       1 controller.go:123] "Reconciled" pod="default/web-0"`,
        'info',
      ],
      [
        'stderr',
        'F',
        `E${p2(p.mo)}${p2(p.d)} ${clock(p)}.${p6(p.ms * 1000)}       1 kubelet.go:2263] "Error getting node"`,
        'error',
      ],
      ['stdout', 'F', 'Listening on :8080', null],
      ['stdout', 'P', 'a long line cut by the runtime, first part ', null],
      ['stdout', 'F', `${isoSpace(p)} WARN  [main] retrying in 5s`, 'warn'],
      ['stderr', 'F', 'panic: runtime error: invalid memory address or nil pointer dereference', 'fatal'],
    ] as [string, string, string, Level | null][]);
    return L(`${stamp} ${stream} ${tag} ${inner}`, level, t);
  },
  fixed: [],
};

const JOURNAL_UNITS: [string, string, string][] = [
  ['systemd', '1', 'Started Session 42 of user deploy.'],
  ['sshd', '812', 'Accepted publickey for deploy from 10.0.0.9 port 51234 ssh2'],
  ['kernel', '', 'EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)'],
  ['nginx', '1201', "nginx.service: Failed with result 'exit-code'."],
  ['CRON', '4242', 'pam_unix(cron:session): session closed for user root'],
];

export const journal: SystemDef = {
  name: 'journal_json',
  about: 'systemd journal export as JSON (journalctl -o json): __REALTIME_TIMESTAMP µs, PRIORITY 0-7',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const [ident, pid, msg] = pick(r, JOURNAL_UNITS);
    const pri = pick(r, [6, 6, 6, 5, 4, 3, 7, 2]);
    const us = t * 1000 + int(r, 0, 999);
    const o: Record<string, string> = {
      __CURSOR: `s=${hex(r, 32)};i=${int(r, 1, 99999).toString(16)};b=${hex(r, 32)};m=${hex(r, 6)};t=${us.toString(16)};x=${hex(r, 16)}`,
      __REALTIME_TIMESTAMP: String(us),
      __MONOTONIC_TIMESTAMP: String(int(r, 1e6, 9e9)),
      _BOOT_ID: hex(r, 32),
      PRIORITY: String(pri),
      SYSLOG_FACILITY: '3',
      _TRANSPORT: 'journal',
      _HOSTNAME: 'web1',
      SYSLOG_IDENTIFIER: ident,
      MESSAGE: msg,
    };
    if (pid !== '') o._PID = pid;
    const level: Level =
      pri <= 2 ? 'fatal' : pri === 3 ? 'error' : pri === 4 ? 'warn' : pri <= 6 ? 'info' : 'debug';
    return L(JSON.stringify(o), level, t);
  },
  fixed: [],
};

export const cloudtrail: SystemDef = {
  name: 'aws_cloudtrail',
  about: 'AWS CloudTrail records, one JSON object a line (eventTime, no level)',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [source, name] = pick(r, [
      ['s3.amazonaws.com', 'GetObject'],
      ['ec2.amazonaws.com', 'DescribeInstances'],
      ['iam.amazonaws.com', 'CreateAccessKey'],
      ['signin.amazonaws.com', 'ConsoleLogin'],
      ['sts.amazonaws.com', 'AssumeRole'],
    ]);
    const o: Record<string, unknown> = {
      eventVersion: '1.05',
      userIdentity: {
        type: 'IAMUser',
        principalId: `AIDA${hex(r, 16).toUpperCase()}`,
        arn: 'arn:aws:iam::123456789012:user/Alice',
        accountId: '123456789012',
        userName: 'Alice',
      },
      eventTime: `${isoDate(p)}T${clock(p)}Z`,
      eventSource: source,
      eventName: name,
      awsRegion: pick(r, ['us-east-1', 'eu-west-1', 'ap-northeast-1']),
      sourceIPAddress: ip(r),
      userAgent: 'aws-cli/1.16.96 Python/3.6.0 Linux/4.9.0 botocore/1.12.86',
      requestParameters: { bucketName: 'logs', key: `2017/${p2(p.mo)}/x.gz` },
      responseElements: null,
      requestID: hex(r, 16).toUpperCase(),
      eventID: `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`,
      eventType: 'AwsApiCall',
      recipientAccountId: '123456789012',
    };
    if (r() < 0.2) {
      o.errorCode = 'AccessDenied';
      o.errorMessage = 'Access Denied';
    }
    return L(JSON.stringify(o), null, secOf(t));
  },
  fixed: [],
};
