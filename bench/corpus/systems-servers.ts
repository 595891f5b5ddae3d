/** Servers: Apache and nginx errors, Kafka, PostgreSQL, MySQL, Redis. */
import type { Level } from '../../src/core/events.js';
import {
  clock,
  DAY,
  int,
  ip,
  isoDate,
  isoSpace,
  javaTrace,
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
// Servers

export const apacheError: SystemDef = {
  name: 'apache_error',
  about: 'Apache httpd error_log, 2.2 ([ctime] [level] text) and 2.4 ([ctime.us] [module:level] [pid] text)',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const ctime = `${DAY[p.wd]} ${MON[p.mo - 1]} ${p2(p.d)} ${clock(p)}`;
    if (r() < 0.5) {
      const [word, level, msg] = pick(r, [
        ['notice', 'info', 'workerEnv.init() ok /etc/httpd/conf/workers2.properties'],
        ['error', 'error', 'mod_jk child workerEnv in error state 6'],
        [
          'notice',
          'info',
          `jk2_init() Found child ${int(r, 1000, 9999)} in scoreboard slot ${int(r, 1, 12)}`,
        ],
        ['error', 'error', `[client ${ip(r)}] Directory index forbidden by rule: /var/www/html/`],
        ['warn', 'warn', "RSA server certificate CommonName (CN) `localhost' does NOT match server name!?"],
      ] as [string, Level, string][]);
      return L(`[${ctime} ${p.y}] [${word}] ${msg}`, level, secOf(t));
    }
    const [mod, level, msg] = pick(r, [
      [
        'core:error',
        'error',
        `[client ${ip(r)}:${int(r, 1024, 65535)}] AH00037: Symbolic link not allowed or link target not accessible: /var/www/html/x`,
      ],
      [
        'proxy_fcgi:error',
        'error',
        `[client ${ip(r)}:${int(r, 1024, 65535)}] AH01071: Got error 'PHP message: PHP Warning:  Undefined variable $x in /var/www/html/index.php on line 3'`,
      ],
      [
        'mpm_event:notice',
        'info',
        'AH00489: Apache/2.4.29 (Ubuntu) configured -- resuming normal operations',
      ],
      [
        'ssl:warn',
        'warn',
        'AH01909: www.example.com:443:0 server certificate does NOT include an ID which matches the server name',
      ],
      [
        'authz_core:debug',
        'debug',
        `[client ${ip(r)}:${int(r, 1024, 65535)}] AH01626: authorization result of Require all granted: granted`,
      ],
      [
        'core:crit',
        'fatal',
        'AH00102: [Mon Nov 06 11:11:11 2017] file worker.c, line 123, assertion "x" failed',
      ],
    ] as [string, Level, string][]);
    const us = p6(p.ms * 1000 + int(r, 0, 999));
    return L(
      `[${ctime}.${us} ${p.y}] [${mod}] [pid ${int(r, 100, 40000)}:tid ${int(r, 1e9, 9e9)}] ${msg}`,
      level,
      t,
    );
  },
  fixed: [
    L(
      '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
      'info',
      Date.UTC(2005, 11, 4, 4, 47, 44),
    ),
    L(
      '[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6',
      'error',
      Date.UTC(2005, 11, 4, 4, 47, 44),
    ),
  ],
};

export const nginxError: SystemDef = {
  name: 'nginx_error',
  about: 'nginx error.log (yyyy/MM/dd HH:mm:ss [level] pid#tid: *cid text, context)',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, msg] = pick(r, [
      [
        'error',
        'error',
        `open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: ${ip(r)}, server: localhost, request: "GET /favicon.ico HTTP/1.1", host: "example.com"`,
      ],
      [
        'warn',
        'warn',
        `*${int(r, 1, 99999)} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: ${ip(r)}, server: example.com, request: "GET /big HTTP/1.1", upstream: "http://127.0.0.1:8080/big", host: "example.com"`,
      ],
      ['notice', 'info', 'signal process started'],
      [
        'crit',
        'fatal',
        `*${int(r, 1, 99999)} SSL_do_handshake() failed (SSL: error:141CF06C:SSL routines:tls_parse_ctos_key_share:bad key share) while SSL handshaking, client: ${ip(r)}, server: 0.0.0.0:443`,
      ],
      ['emerg', 'fatal', 'bind() to 0.0.0.0:80 failed (98: Address already in use)'],
      ['alert', 'fatal', '768 worker_connections are not enough'],
      ['info', 'info', `*${int(r, 1, 99999)} client ${ip(r)} closed keepalive connection`],
    ] as [string, Level, string][]);
    const pid = int(r, 1, 40000);
    return L(
      `${p.y}/${p2(p.mo)}/${p2(p.d)} ${clock(p)} [${word}] ${pid}#${r() < 0.5 ? 0 : pid}: ${msg}`,
      level,
      secOf(t),
    );
  },
  fixed: [],
};

const KAFKA: [string, Level, string][] = [
  ['INFO', 'info', '[KafkaServer id=0] started (kafka.server.KafkaServer)'],
  ['INFO', 'info', 'Kafka version : 1.0.0 (org.apache.kafka.common.utils.AppInfoParser)'],
  [
    'INFO',
    'info',
    '[Log partition=orders-3, dir=/var/lib/kafka] Loading producer state from offset 1234 with message format version 2 (kafka.log.Log)',
  ],
  [
    'WARN',
    'warn',
    '[ReplicaFetcher replicaId=1, leaderId=0, fetcherId=0] Error in response for fetch request (type=FetchRequest, replicaId=1, maxWait=500, minBytes=1) (kafka.server.ReplicaFetcherThread)',
  ],
  [
    'ERROR',
    'error',
    '[Controller id=0 epoch=3] Controller 0 epoch 3 failed to change state for partition orders-1 from OnlinePartition to OnlinePartition (state.change.logger)',
  ],
  [
    'DEBUG',
    'debug',
    '[GroupCoordinator 0]: Member consumer-1-1a2b in group billing has left, removing it from the group (kafka.coordinator.group.GroupCoordinator)',
  ],
  [
    'TRACE',
    'trace',
    '[Broker id=0] Cached leader info PartitionState(controllerEpoch=3, leader=0) for partition orders-3 (state.change.logger)',
  ],
];

export const kafka: SystemDef = {
  name: 'kafka',
  trace: javaTrace,
  about: 'Kafka broker server.log (log4j: [yyyy-MM-dd HH:mm:ss,SSS] LEVEL text (logger))',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, msg] = pick(r, KAFKA);
    return L(`[${isoSpace(p)},${p3(p.ms)}] ${word} ${msg}`, level, t);
  },
  fixed: [],
};

const PG: [string, Level | null, string][] = [
  ['LOG', 'info', 'database system is ready to accept connections'],
  [
    'LOG',
    'info',
    'checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled; write=0.302 s, sync=0.004 s, total=0.316 s',
  ],
  ['LOG', 'info', "duration: 1234.567 ms  statement: SELECT * FROM orders WHERE customer = 'Müller'"],
  ['ERROR', 'error', 'relation "users" does not exist at character 15'],
  ['STATEMENT', null, 'SELECT * FROM users;'],
  ['FATAL', 'fatal', 'password authentication failed for user "app"'],
  ['DETAIL', null, 'Connection matched pg_hba.conf line 95: "host all all 0.0.0.0/0 md5"'],
  ['WARNING', 'warn', 'there is no transaction in progress'],
  ['HINT', null, 'Consider increasing the configuration parameter "max_wal_size".'],
  ['DEBUG2', 'debug', 'autovacuum: processing database "shop"'],
  ['PANIC', 'fatal', 'could not write to file "pg_wal/xlogtemp.123": No space left on device'],
  ['NOTICE', 'info', 'table "tmp_orders" does not exist, skipping'],
];

export const postgresql: SystemDef = {
  name: 'postgresql',
  about: 'PostgreSQL stderr log (log_line_prefix %m [%p] %q%u@%d: stamp zone [pid] user@db LEVEL:  text)',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, msg] = pick(r, PG);
    const who =
      word === 'LOG' && r() < 0.5
        ? ''
        : `${pick(r, ['app', 'postgres', 'reporting'])}@${pick(r, ['shop', 'postgres', 'analytics'])} `;
    return L(`${isoSpace(p)}.${p3(p.ms)} UTC [${int(r, 100, 40000)}] ${who}${word}:  ${msg}`, level, t);
  },
  fixed: [],
};

export const mysql: SystemDef = {
  name: 'mysql',
  about:
    'MySQL error log: 5.7/8.0 (ISO stamp thread [Level] [code] [subsystem] text) and 5.5 (yyMMdd H:mm:ss)',
  referenceMs: Date.UTC(2020, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, code, sub, msg] = pick(r, [
      ['System', 'info', 'MY-010116', 'Server', '/usr/sbin/mysqld (mysqld 8.0.21) starting as process 1'],
      [
        'System',
        'info',
        'MY-010931',
        'Server',
        "/usr/sbin/mysqld: ready for connections. Version: '8.0.21'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.",
      ],
      ['Warning', 'warn', 'MY-010068', 'Server', 'CA certificate ca.pem is self signed.'],
      [
        'Note',
        'info',
        'MY-010914',
        'Server',
        `Aborted connection ${int(r, 1, 999)} to db: 'shop' user: 'app' host: '${ip(r)}' (Got an error reading communication packets).`,
      ],
      ['ERROR', 'error', 'MY-012574', 'InnoDB', 'Unable to lock ./ibdata1 error: 11'],
      [
        'Warning',
        'warn',
        'MY-013360',
        'Server',
        "Plugin sha256_password reported: ''sha256_password' is deprecated and will be removed in a future release. Please use caching_sha2_password instead'",
      ],
    ] as [string, Level, string, string, string][]);
    const us = p6(p.ms * 1000 + int(r, 0, 999));
    return L(
      `${isoDate(p)}T${clock(p)}.${us}Z ${int(r, 0, 40)} [${word}] [${code}] [${sub}] ${msg}`,
      level,
      t,
    );
  },
  fixed: [
    L(
      '171106 11:11:11 [Note] /usr/sbin/mysqld: ready for connections.',
      'info',
      Date.UTC(2017, 10, 6, 11, 11, 11),
    ),
    L(
      "171106  1:11:12 [ERROR] Can't start server: Bind on TCP/IP port: Address already in use",
      'error',
      Date.UTC(2017, 10, 6, 1, 11, 12),
    ),
    L(
      '171106 11:11:13  InnoDB: Started; log sequence number 0 43655',
      null,
      Date.UTC(2017, 10, 6, 11, 11, 13),
    ),
    L(
      '2017-11-06T11:11:14.123456Z 0 [Note] InnoDB: Buffer pool(s) load completed at 171106 11:11:14',
      'info',
      Date.UTC(2017, 10, 6, 11, 11, 14, 123),
    ),
  ],
};

export const redis: SystemDef = {
  name: 'redis',
  about:
    'Redis server log (pid:role dd MMM yyyy HH:mm:ss.SSS sym text; . debug, - verbose, * notice, # warning)',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [sym, level, msg] = pick(r, [
      ['*', 'info', 'Ready to accept connections'],
      ['*', 'info', `DB saved on disk`],
      ['*', 'info', `Background saving started by pid ${int(r, 100, 40000)}`],
      [
        '#',
        'warn',
        'WARNING overcommit_memory is set to 0! Background save may fail under low memory condition.',
      ],
      ['#', 'warn', 'Server initialized'],
      ['-', 'debug', `Accepted ${ip(r)}:${int(r, 1024, 65535)}`],
      ['.', 'debug', `DB 0: ${int(r, 1, 9999)} keys (${int(r, 0, 99)} volatile) in 16384 slots HT.`],
      ['*', 'info', `Connecting to MASTER ${ip(r)}:6379`],
    ] as [string, Level, string][]);
    const who = `${int(r, 1, 40000)}:${pick(r, ['M', 'M', 'S', 'C'])}`;
    return L(`${who} ${p2(p.d)} ${MON[p.mo - 1]} ${p.y} ${clock(p)}.${p3(p.ms)} ${sym} ${msg}`, level, t);
  },
  fixed: [
    L(
      '[4018] 14 Nov 07:01:22.119 * Server started, Redis version 2.2.12',
      'info',
      Date.UTC(2017, 10, 14, 7, 1, 22, 119),
    ),
  ],
};
