/**
 * Real-shaped log lines of many systems, written from each format's public documentation: the
 * parser's correctness test (test/parser/real-systems.test.ts) checks levels and times on them,
 * and the bench scales them up into a corpus that spans months.
 *
 * Exported names (stable: the bench and the tests import them):
 * - `SystemLine`      one line with what it says: `{ line, level, tsMs }`. `level` is the level
 *                     the line carries (null when it carries none); `tsMs` the event time it
 *                     carries, epoch ms UTC (null when it carries none).
 * - `RealSystem`      `{ name, about, referenceMs, lines }`: `lines` are the sample lines, and
 *                     `referenceMs` the time they are read at (year-less stamps take their year
 *                     from it: every sample is at most 120 days before it).
 * - `REAL_SYSTEMS`    every system with its sample lines (30 or more each).
 * - `SYSTEM_NAMES`    the systems' names, in the order of REAL_SYSTEMS.
 * - `writeSystemLines(name, n, { fromMs, toMs, seed })` → SystemLine[]: n lines of one system,
 *                     times rising from `fromMs` to `toMs`, the same for the same arguments.
 *                     Year-less layouts are right when read at or after `toMs` and
 *                     `toMs - fromMs` is under a year.
 * - `writeRealCorpus(n, { fromMs, toMs, seed })` → `{ name, lines: string[] }[]`: n lines
 *                     split evenly over all systems (one file's worth each), same period.
 *
 * Zones: every stamp without an offset is UTC, except Blue Gene/L and Thunderbird, whose stamps
 * are the machines' local time (UTC-7 here) while the epoch column beside them is the true time;
 * their `tsMs` is the epoch column's (plus the BG/L stamp's fraction).
 */
import type { Level } from '../../src/core/events.js';

export interface SystemLine {
  line: string;
  level: Level | null;
  tsMs: number | null;
}

export interface RealSystem {
  name: string;
  about: string;
  referenceMs: number;
  lines: readonly SystemLine[];
}

export interface WriteOptions {
  fromMs: number;
  toMs: number;
  seed: number;
}

/** A seeded generator (mulberry32): the same seed gives the same lines. */
type Rng = () => number;
function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const hex = (r: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(r, 0, 15)];
  return s;
};
const ip = (r: Rng): string => `${int(r, 10, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');
const p6 = (n: number): string => String(n).padStart(6, '0');
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Wall-clock parts of `t` (ms) in UTC. */
interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  wd: number;
}
function parts(t: number): Parts {
  const x = new Date(t);
  return {
    y: x.getUTCFullYear(),
    mo: x.getUTCMonth() + 1,
    d: x.getUTCDate(),
    h: x.getUTCHours(),
    mi: x.getUTCMinutes(),
    s: x.getUTCSeconds(),
    ms: x.getUTCMilliseconds(),
    wd: x.getUTCDay(),
  };
}
const isoDate = (p: Parts): string => `${p.y}-${p2(p.mo)}-${p2(p.d)}`;
const clock = (p: Parts): string => `${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`;
const isoSpace = (p: Parts): string => `${isoDate(p)} ${clock(p)}`;
const syslogStamp = (p: Parts): string => `${MON[p.mo - 1]} ${String(p.d).padStart(2, ' ')} ${clock(p)}`;
const secOf = (t: number): number => Math.floor(t / 1000) * 1000;

/** Local time of the BG/L and Thunderbird machines, as the epoch column's offset. */
const SITE_OFFSET_MS = -7 * 3_600_000;

/** One system: how it writes a line at time `t`, and lines written by hand (fixed times). */
interface SystemDef {
  name: string;
  about: string;
  referenceMs: number;
  render: (t: number, r: Rng) => SystemLine;
  fixed: SystemLine[];
}

const L = (line: string, level: Level | null, tsMs: number | null): SystemLine => ({ line, level, tsMs });

// ---------------------------------------------------------------------------------------------
// Supercomputers (the USENIX CFDR layout: alert tag, epoch seconds, yyyy.MM.dd, node, record)

const BGL_EVENTS: [string, string, Level, string][] = [
  ['KERNEL', 'INFO', 'info', 'instruction cache parity error corrected'],
  ['KERNEL', 'INFO', 'info', 'generating core.2275'],
  ['KERNEL', 'INFO', 'info', 'total of 12 ddr error(s) detected and corrected'],
  ['KERNEL', 'INFO', 'info', 'CE sym 2, at 0x0b85eee0, mask 0x05'],
  ['KERNEL', 'FATAL', 'fatal', 'data TLB error interrupt'],
  ['KERNEL', 'FATAL', 'fatal', 'machine check interrupt'],
  ['KERNEL', 'FATAL', 'fatal', 'rts: kernel terminated for reason 1004rts: bad message header: invalid cpu'],
  ['KERNEL', 'ERROR', 'error', 'program interrupt: fp cr field .............0'],
  ['KERNEL', 'WARNING', 'warn', 'uncorrectable torus error: link 3 receiver'],
  [
    'APP',
    'FATAL',
    'fatal',
    'ciod: failed to read message prefix on control stream (CioStream socket to 172.16.96.116:33370',
  ],
  [
    'APP',
    'FATAL',
    'fatal',
    'ciod: Error loading /g/g24/user/a.out: invalid or missing program image, No such file or directory',
  ],
  [
    'MMCS',
    'ERROR',
    'error',
    'idoproxydb hit ASSERT condition: ASSERT expression=0 Source file=idotransportmgr.cpp Source line=1043 Function=int IdoTransportMgr::SendPacket(IdoUdpMgr*, BglCtlPavTrace*)',
  ],
  [
    'DISCOVERY',
    'WARNING',
    'warn',
    'Node card VPD check: U01 node in processor card slot J11 do not match. VPD ecid 0BAD4C0C1D1D09A5, found 0000000000000000',
  ],
  [
    'DISCOVERY',
    'SEVERE',
    'error',
    'Problem communicating with service card, ido chip: U03. java.io.IOException: Could not find EthernetSwitch on port:address 1:136',
  ],
  [
    'MONITOR',
    'FAILURE',
    'fatal',
    'monitor caught java.lang.IllegalStateException: while executing CONTROL Operation and is stopping',
  ],
  ['BGLMASTER', 'FAILURE', 'fatal', 'mmcs_server exited abnormally due to signal: Aborted'],
  ['HARDWARE', 'SEVERE', 'error', 'Temperature Over Limit on link card'],
  ['LINKCARD', 'FATAL', 'fatal', 'MidplaneSwitchController::receiveTrain() iDo packet timeout'],
];
const BGL_ALERTS = ['KERNDTLB', 'APPREAD', 'KERNSTOR', 'APPSEV', 'KERNMNTF', 'KERNTERM'];

function bglNode(r: Rng): string {
  const x = r();
  if (x < 0.06) return 'NULL';
  if (x < 0.1) return 'UNKNOWN_LOCATION';
  return `R${p2(int(r, 0, 77))}-M${int(r, 0, 1)}-N${'0123456789ABCDEF'[int(r, 0, 15)]}-C:J${p2(int(r, 2, 17))}-U${pick(r, ['01', '11'])}`;
}

const bgl: SystemDef = {
  name: 'bgl',
  about: 'Blue Gene/L RAS log (alert tag, epoch, date, node, local stamp, RAS component level)',
  referenceMs: Date.UTC(2005, 11, 31),
  render(t, r) {
    const [comp, word, level, msg] = pick(r, BGL_EVENTS);
    const local = parts(t + SITE_OFFSET_MS);
    const node = bglNode(r);
    const alert = word === 'FATAL' && r() < 0.5 ? pick(r, BGL_ALERTS) : '-';
    const frac = p6(local.ms * 1000 + int(r, 0, 999));
    const stamp = `${isoDate(local)}-${p2(local.h)}.${p2(local.mi)}.${p2(local.s)}.${frac}`;
    const dot = `${local.y}.${p2(local.mo)}.${p2(local.d)}`;
    const line = `${alert} ${Math.floor(t / 1000)} ${dot} ${node} ${stamp} ${node} RAS ${comp} ${word} ${msg}`;
    return L(line, level, t);
  },
  fixed: [
    L(
      '- 1131566461 2005.11.09 R21-M0-N6-C:J12-U01 2005-11-09-12.01.01.415321 R21-M0-N6-C:J12-U01 RAS KERNEL FATAL machine check interrupt',
      'fatal',
      1131566461415,
    ),
    L(
      '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected',
      'info',
      1117838570675,
    ),
    L(
      'APPREAD 1117869876 2005.06.04 R27-M1-N4-I:J18-U01 2005-06-04-00.24.36.222560 R27-M1-N4-I:J18-U01 RAS APP FATAL ciod: failed to read message prefix on control stream (CioStream socket to 172.16.96.116:33370',
      'fatal',
      1117869876222,
    ),
  ],
};

const TB_PROGS: [string, string][] = [
  ['crond(pam_unix)', 'session closed for user root'],
  ['crond(pam_unix)', 'session opened for user root by (uid=0)'],
  ['sshd(pam_unix)', 'session opened for user admin by (uid=0)'],
  [
    '/apps/x86_64/system/ganglia-3.0.1/sbin/gmetad',
    'data_thread() got not answer from any [Thunderbird_A8] datasource',
  ],
  ['ib_sm.x', '[ib_sm_sweep.c:1831]: No topology change'],
  ['ntpd', 'synchronized to 10.100.20.250, stratum 3'],
  ['dhcpd', 'DHCPDISCOVER from 00:11:43:e3:ba:c3 via eth1'],
  ['xinetd', 'START: rsh pid=12893 from=10.100.4.251'],
  ['smartd', 'Device: /dev/sda, SMART Prefailure Attribute: 1 Raw_Read_Error_Rate changed from 100 to 99'],
];

const thunderbird: SystemDef = {
  name: 'thunderbird',
  about: 'Thunderbird supercomputer syslog (alert tag, epoch, date, node, local syslog line)',
  referenceMs: Date.UTC(2005, 11, 31),
  render(t, r) {
    const node =
      r() < 0.3
        ? pick(r, ['tbird-admin1', 'tbird-sm1', 'aadmin1'])
        : `${pick(r, ['dn', 'bn', 'cn', 'en'])}${int(r, 1, 999)}`;
    const local = parts(t + SITE_OFFSET_MS);
    const dot = `${local.y}.${p2(local.mo)}.${p2(local.d)}`;
    const stamp = `${MON[local.mo - 1]} ${local.d} ${clock(local)}`;
    const alert = r() < 0.1 ? pick(r, ['VAPI', 'ECC', 'PBS_CON', 'CPU']) : '-';
    if (r() < 0.2) {
      const line = `${alert} ${Math.floor(t / 1000)} ${dot} ${node} ${stamp} ${node}/${node} kernel: ib_mthca 0000:02:00.0: catastrophic error detected (CATAS_ERR ${int(r, 1, 9)})`;
      return L(line, null, secOf(t));
    }
    const [prog, msg] = pick(r, TB_PROGS);
    const from = r() < 0.5 ? `${node}/${node}` : `src@${node}`;
    const line = `${alert} ${Math.floor(t / 1000)} ${dot} ${node} ${stamp} ${from} ${prog}[${int(r, 100, 32000)}]: ${msg}`;
    return L(line, null, secOf(t));
  },
  fixed: [
    L(
      '- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root',
      null,
      1131566461000,
    ),
    L(
      '- 1131566461 2005.11.09 tbird-admin1 Nov 10 00:01:01 local@tbird-admin1 /apps/x86_64/system/ganglia-3.0.1/sbin/gmetad[1682]: data_thread() got not answer from any [Thunderbird_A8] datasource',
      null,
      1131566461000,
    ),
  ],
};

const HPC_EVENTS: [string, string, string][] = [
  [
    'unix.hw',
    'state_change.unavailable',
    'Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1980)',
  ],
  ['node', 'status', 'running'],
  ['node', 'status', 'configured out'],
  ['action', 'start', 'clusterAddMember  (command 1902)'],
  ['action', 'error', 'boot  (command 2863) Error: child of 2861 got error from domain'],
  ['boot_cmd', 'new', 'Targeting domains:node-D3 and nodes:node-[48-63] child of command 1902'],
  ['node', 'boot', 'Halting [fatal] boot image: node-47'],
  ['domain', 'info', 'partition 1 started (1024 nodes)'],
  ['gige7', 'gige.fail', 'Link error on broadcast tree Interconnect-0T00:00:2:0'],
];

const hpc: SystemDef = {
  name: 'hpc',
  about: 'HPC cluster node log (id, node, component, state, epoch seconds, flag, text)',
  referenceMs: Date.UTC(2006, 0, 1),
  render(t, r) {
    const [comp, state, msg] = pick(r, HPC_EVENTS);
    const node = r() < 0.8 ? `node-${int(r, 0, 255)}` : `node-D${int(r, 0, 7)}`;
    return L(
      `${int(r, 1, 460000)} ${node} ${comp} ${state} ${Math.floor(t / 1000)} ${int(r, 0, 1)} ${msg}`,
      null,
      secOf(t),
    );
  },
  fixed: [
    L(
      '134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1980)',
      null,
      1077804742000,
    ),
    L('2561 node-178 action start 1074119817 1 clusterAddMember  (command 1902)', null, 1074119817000),
  ],
};

// ---------------------------------------------------------------------------------------------
// Hadoop family

const HDFS_EVENTS: [string, string, Level, (r: Rng) => string][] = [
  [
    'INFO',
    'dfs.DataNode$PacketResponder',
    'info',
    (r) =>
      `PacketResponder ${int(r, 0, 2)} for block blk_${int(r, -9e8, 9e8)}${int(r, 1e9, 9e9)} terminating`,
  ],
  [
    'INFO',
    'dfs.DataNode$PacketResponder',
    'info',
    (r) => `Received block blk_${int(r, 1e9, 9e9)} of size ${int(r, 1e6, 67108864)} from /${ip(r)}`,
  ],
  [
    'INFO',
    'dfs.FSNamesystem',
    'info',
    (r) =>
      `BLOCK* NameSystem.addStoredBlock: blockMap updated: ${ip(r)}:50010 is added to blk_-${int(r, 1e9, 9e9)} size 67108864`,
  ],
  [
    'INFO',
    'dfs.FSNamesystem',
    'info',
    (r) =>
      `BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_200811092030_0001_m_000${int(r, 100, 999)}_0/part-00${int(r, 100, 999)}. blk_-${int(r, 1e9, 9e9)}`,
  ],
  [
    'INFO',
    'dfs.DataNode$DataXceiver',
    'info',
    (r) =>
      `Receiving block blk_${int(r, 1e9, 9e9)} src: /${ip(r)}:${int(r, 30000, 60000)} dest: /${ip(r)}:50010`,
  ],
  ['INFO', 'dfs.DataBlockScanner', 'info', (r) => `Verification succeeded for blk_-${int(r, 1e9, 9e9)}`],
  [
    'WARN',
    'dfs.DataNode$DataXceiver',
    'warn',
    (r) => `${ip(r)}:50010:Got exception while serving blk_-${int(r, 1e9, 9e9)} to /${ip(r)}:`,
  ],
  [
    'WARN',
    'dfs.PendingReplicationBlocks$PendingReplicationMonitor',
    'warn',
    (r) => `PendingReplicationMonitor timed out block blk_${int(r, 1e9, 9e9)}`,
  ],
  [
    'ERROR',
    'dfs.DataNode',
    'error',
    (r) =>
      `${ip(r)}:50010:DataXceiver: java.io.IOException: Block blk_${int(r, 1e9, 9e9)} is valid, and cannot be written to.`,
  ],
];

const hdfs: SystemDef = {
  name: 'hdfs',
  about: 'HDFS DataNode/NameNode log (yyMMdd HHmmss pid LEVEL class: text)',
  referenceMs: Date.UTC(2008, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, cls, level, msg] = pick(r, HDFS_EVENTS);
    const line = `${String(p.y % 100).padStart(2, '0')}${p2(p.mo)}${p2(p.d)} ${p2(p.h)}${p2(p.mi)}${p2(p.s)} ${int(r, 13, 9999)} ${word} ${cls}: ${msg(r)}`;
    return L(line, level, secOf(t));
  },
  fixed: [
    L(
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      'info',
      Date.UTC(2008, 10, 9, 20, 36, 15),
    ),
    L(
      '081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864',
      'info',
      Date.UTC(2008, 10, 9, 20, 40, 5),
    ),
  ],
};

const HADOOP_THREADS = [
  'main',
  'RMCommunicator Allocator',
  'AsyncDispatcher event handler',
  'IPC Server handler 13 on 62270',
  'LeaseRenewer:msrabi@msra-sa-41:9000',
  'ContainerLauncher #2',
  'eventHandlingThread',
];
const HADOOP_EVENTS: [string, Level, string, string][] = [
  [
    'INFO',
    'info',
    'org.apache.hadoop.mapreduce.v2.app.MRAppMaster',
    'Created MRAppMaster for application appattempt_1445144423722_0020_000001',
  ],
  [
    'INFO',
    'info',
    'org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator',
    'Before Scheduling: PendingReds:1 ScheduledMaps:10 ScheduledReds:0 AssignedMaps:0 AssignedReds:0 CompletedMaps:0 CompletedReds:0 ContAlloc:0 ContRel:0 HostLocal:0 RackLocal:0',
  ],
  [
    'INFO',
    'info',
    'org.apache.hadoop.mapred.TaskAttemptListenerImpl',
    'Progress of TaskAttempt attempt_1445144423722_0020_m_000002_0 is : 0.13102192',
  ],
  [
    'WARN',
    'warn',
    'org.apache.hadoop.hdfs.LeaseRenewer',
    'Failed to renew lease for [DFSClient_NONMAPREDUCE_1537864556_1] for 30 seconds.  Will retry shortly ...',
  ],
  [
    'WARN',
    'warn',
    'org.apache.hadoop.ipc.Client',
    'Address change detected. Old: msra-sa-41/10.190.173.170:9000 New: msra-sa-41:9000',
  ],
  [
    'ERROR',
    'error',
    'org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator',
    'ERROR IN CONTACTING RM. ',
  ],
  [
    'FATAL',
    'fatal',
    'org.apache.hadoop.mapred.YarnChild',
    'Error running child : java.lang.OutOfMemoryError: Java heap space',
  ],
  [
    'DEBUG',
    'debug',
    'org.apache.hadoop.ipc.Server',
    'IPC Server idle connection scanner for port 62270: task running',
  ],
];

const hadoop: SystemDef = {
  name: 'hadoop',
  about: 'Hadoop MapReduce application master (log4j: stamp LEVEL [thread] logger: text)',
  referenceMs: Date.UTC(2015, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, logger, msg] = pick(r, HADOOP_EVENTS);
    return L(`${isoSpace(p)},${p3(p.ms)} ${word} [${pick(r, HADOOP_THREADS)}] ${logger}: ${msg}`, level, t);
  },
  fixed: [
    L(
      '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001',
      'info',
      Date.UTC(2015, 9, 18, 18, 1, 47, 978),
    ),
  ],
};

const SPARK_EVENTS: [string, Level, string, string][] = [
  [
    'INFO',
    'info',
    'executor.CoarseGrainedExecutorBackend',
    'Registered signal handlers for [TERM, HUP, INT]',
  ],
  ['INFO', 'info', 'spark.SecurityManager', 'Changing view acls to: yarn,curi'],
  [
    'INFO',
    'info',
    'storage.MemoryStore',
    'Block broadcast_2 stored as values in memory (estimated size 7.5 KB, free 7.5 KB)',
  ],
  [
    'INFO',
    'info',
    'executor.Executor',
    'Finished task 3.0 in stage 1.0 (TID 11). 2364 bytes result sent to driver',
  ],
  ['INFO', 'info', 'rdd.HadoopRDD', 'Input split: hdfs://10.10.34.11:9000/pjhe/test/1/part-00002:0+2245'],
  [
    'WARN',
    'warn',
    'util.NativeCodeLoader',
    'Unable to load native-hadoop library for your platform... using builtin-java classes where applicable',
  ],
  ['WARN', 'warn', 'storage.BlockManager', 'Putting block rdd_42_20 failed'],
  ['ERROR', 'error', 'executor.CoarseGrainedExecutorBackend', 'RECEIVED SIGNAL 15: SIGTERM'],
  ['ERROR', 'error', 'executor.Executor', 'Exception in task 0.0 in stage 3.0 (TID 40)'],
];

const spark: SystemDef = {
  name: 'spark',
  about: 'Spark executor (yy/MM/dd HH:mm:ss LEVEL logger: text)',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, logger, msg] = pick(r, SPARK_EVENTS);
    return L(
      `${p2(p.y % 100)}/${p2(p.mo)}/${p2(p.d)} ${clock(p)} ${word} ${logger}: ${msg}`,
      level,
      secOf(t),
    );
  },
  fixed: [
    L(
      '17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]',
      'info',
      Date.UTC(2017, 5, 9, 20, 10, 40),
    ),
  ],
};

const ZK_EVENTS: [string, Level, string, string][] = [
  [
    'INFO ',
    'info',
    'QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774',
    'Notification time out: 3200',
  ],
  [
    'INFO ',
    'info',
    'NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxnFactory@197',
    'Accepted socket connection from /10.10.34.11:40061',
  ],
  [
    'INFO ',
    'info',
    'CommitProcessor:1:ZooKeeperServer@595',
    'Established session 0x14ed93111f20005 with negotiated timeout 10000 for client /10.10.34.11:40061',
  ],
  [
    'WARN ',
    'warn',
    'SendWorker:188978561024:QuorumCnxManager$SendWorker@679',
    'Interrupted while waiting for message on queue',
  ],
  [
    'WARN ',
    'warn',
    'RecvWorker:188978561024:QuorumCnxManager$RecvWorker@762',
    'Connection broken for id 188978561024, my id = 1, error = ',
  ],
  ['ERROR', 'error', 'CommitProcessor:1:NIOServerCnxn@180', 'Unexpected Exception: '],
  [
    'ERROR',
    'error',
    'LearnerHandler-/10.10.34.13:37177:LearnerHandler@562',
    'Unexpected exception causing shutdown while sock still open',
  ],
];

const zookeeper: SystemDef = {
  name: 'zookeeper',
  about: 'Zookeeper (stamp - LEVEL  [thread:Class@line] - text)',
  referenceMs: Date.UTC(2015, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, where, msg] = pick(r, ZK_EVENTS);
    return L(`${isoSpace(p)},${p3(p.ms)} - ${word} [${where}] - ${msg}`, level, t);
  },
  fixed: [
    L(
      '2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200',
      'info',
      Date.UTC(2015, 6, 29, 17, 41, 44, 747),
    ),
  ],
};

const OS_EVENTS: [string, string, Level, (r: Rng) => string][] = [
  [
    'nova-api',
    'INFO',
    'info',
    (r) =>
      `nova.osapi_compute.wsgi.server [req-${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)} ${hex(r, 32)} ${hex(r, 32)} - - -] ${ip(r)} "GET /v2/${hex(r, 32)}/servers/detail HTTP/1.1" status: 200 len: ${int(r, 200, 2000)} time: 0.${int(r, 1000000, 9999999)}`,
  ],
  [
    'nova-compute',
    'INFO',
    'info',
    (r) =>
      `nova.compute.manager [req-${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)} - - - - -] [instance: ${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}] VM Resumed (Lifecycle Event)`,
  ],
  [
    'nova-compute',
    'INFO',
    'info',
    () =>
      'nova.compute.resource_tracker [req-addc1839-2ed5-4778-b57e-5854eb7b8b09 - - - - -] Final resource view: name=cp-1.slowvm1.tcloud-pg0.utah.cloudlab.us phys_ram=64172MB used_ram=2560MB phys_disk=15GB used_disk=20GB total_vcpus=16 used_vcpus=1 pci_stats=[]',
  ],
  [
    'nova-compute',
    'WARNING',
    'warn',
    (r) =>
      `nova.compute.manager [req-${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)} - - - - -] While synchronizing instance power states, found 1 instances in the database and 0 instances on the hypervisor.`,
  ],
  [
    'nova-compute',
    'ERROR',
    'error',
    (r) =>
      `nova.compute.manager [instance: ${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}] Instance failed to spawn`,
  ],
  [
    'nova-scheduler',
    'DEBUG',
    'debug',
    () =>
      'nova.scheduler.host_manager [req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab - - - - -] Update host state from compute node: ComputeNode(cpu_allocation_ratio=16.0)',
  ],
];

const openstack: SystemDef = {
  name: 'openstack',
  about: 'OpenStack nova (oslo.log: stamp pid LEVEL logger [context] text), file name first as collected',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [svc, word, level, msg] = pick(r, OS_EVENTS);
    const prefix = r() < 0.7 ? `${svc}.log.1.2017-05-16_13:5${int(r, 0, 9)}:0${int(r, 0, 9)} ` : '';
    return L(`${prefix}${isoSpace(p)}.${p3(p.ms)} ${int(r, 2000, 30000)} ${word} ${msg(r)}`, level, t);
  },
  fixed: [
    L(
      'nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fdadf7f8be4b41a2eaaf2dffed4ebf - - -] 10.11.10.1 "GET /v2/54fdadf7f8be4b41a2eaaf2dffed4ebf/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
      'info',
      Date.UTC(2017, 4, 16, 0, 0, 0, 8),
    ),
  ],
};

// ---------------------------------------------------------------------------------------------
// Windows

const CBS_EVENTS: [string, Level, string, (r: Rng, p: Parts) => string][] = [
  [
    'Info',
    'info',
    'CBS',
    () =>
      'Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0\\cbscore.dll',
  ],
  [
    'Info',
    'info',
    'CBS',
    (r) => `Session: 30546173_${int(r, 1000000000, 4000000000)} initialized by client WindowsUpdateAgent.`,
  ],
  ['Info', 'info', 'CBS', () => 'SQM: Initializing online with Windows opt-in: False'],
  [
    'Info',
    'info',
    'CSI',
    (_r, p) =>
      `${p.ms.toString(16).padStart(8, '0')}@${p.y}/${p.mo}/${p.d}:${p.h}:${p2(p.mi)}:${p2(p.s)}.${p3(p.ms)} WcpInitialize (wcp.dll version 0.0.0.6) called (stack @0x7fed806eb5d @0x7fef9fb9b6d @0x7fef9f8358f @0xff83e97c @0xff83d799 @0xff83db2f)`,
  ],
  ['Info', 'info', 'CSI', (r) => `${hex(r, 8)} [SR] Verifying 100 (0x0000000000000064) components`],
  [
    'Warning',
    'warn',
    'CBS',
    () =>
      'Unable to load the servicing stack from C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0 [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]',
  ],
  [
    'Warning',
    'warn',
    'CSI',
    (r) =>
      `${hex(r, 8)} Warning: Overlap: Duplicate ownership for directory \\??\\C:\\Windows\\System32\\zh-CN in component Microsoft-Windows-Font-TrueType-SimSun, Culture=neutral`,
  ],
  [
    'Error',
    'error',
    'CBS',
    () => 'Failed to get next element [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]',
  ],
  [
    'Error',
    'error',
    'CBS',
    () => 'Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]',
  ],
];

const windowsCbs: SystemDef = {
  name: 'windows_cbs',
  about: 'Windows CBS.log / CSI (stamp, Level padded to 22, component padded to 7, text)',
  referenceMs: Date.UTC(2016, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [word, level, comp, msg] = pick(r, CBS_EVENTS);
    return L(`${isoSpace(p)}, ${word.padEnd(22)}${comp.padEnd(7)}${msg(r, p)}`, level, secOf(t));
  },
  fixed: [
    L(
      '2016-09-28 04:30:31, Warning               CBS    Failed to load servicing stack',
      'warn',
      Date.UTC(2016, 8, 28, 4, 30, 31),
    ),
    L(
      '2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0\\cbscore.dll',
      'info',
      Date.UTC(2016, 8, 28, 4, 30, 30),
    ),
    L(
      '2016-09-28 04:30:31, Info                  CSI    00000001@2016/9/27:20:30:31.455 WcpInitialize (wcp.dll version 0.0.0.6) called (stack @0x7fed806eb5d @0x7fef9fb9b6d @0x7fef9f8358f @0xff83e97c @0xff83d799 @0xff83db2f)',
      'info',
      Date.UTC(2016, 8, 28, 4, 30, 31),
    ),
  ],
};

// ---------------------------------------------------------------------------------------------
// Android

const LOGCAT_EVENTS: [string, Level, string, string][] = [
  [
    'D',
    'debug',
    'WindowManager',
    'printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992 ActivityRecord{de9231d u0 com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t761}}}, allDrawn= false',
  ],
  [
    'I',
    'info',
    'ActivityManager',
    'Start proc 4321:com.example.app/u0a120 for activity com.example.app/.MainActivity',
  ],
  ['I', 'info', 'PowerManager_screenOn', 'DisplayPowerStatesetColorFadeLevel: level=1.0'],
  [
    'V',
    'trace',
    'WindowManager',
    'Skipping AppWindowToken{df0798e token=Token{78af589 ActivityRecord{3b04890 u0 com.tencent.qt.qtl/com.tencent.video.player.activity.PlayerActivity t761}}} -- going to hide',
  ],
  [
    'W',
    'warn',
    'ActivityManager',
    'Unable to start service Intent { act=com.google.android.gms.drive.ApiService.RESET_AFTER_BOOT } U=0: not found',
  ],
  ['E', 'error', 'AndroidRuntime', 'FATAL EXCEPTION: main'],
  ['E', 'error', 'ziparchive', "Zip: unable to open '/data/app/com.example-1/base.apk': 没有那个文件或目录"],
  ['F', 'fatal', 'libc', 'Fatal signal 11 (SIGSEGV), code 1, fault addr 0x0 in tid 4321 (RenderThread)'],
  ['D', 'debug', 'chatty', 'uid=1000(system) Binder:1702_5 expire 3 lines'],
];

const androidThreadtime: SystemDef = {
  name: 'android_threadtime',
  about: 'Android logcat -v threadtime (MM-dd HH:mm:ss.SSS pid tid L Tag: text), no year',
  referenceMs: Date.UTC(2017, 5, 1),
  render(t, r) {
    const p = parts(t);
    const [letter, level, tag, msg] = pick(r, LOGCAT_EVENTS);
    const pid = String(int(r, 1, 32000)).padStart(5);
    const tid = String(int(r, 1, 32000)).padStart(5);
    return L(
      `${p2(p.mo)}-${p2(p.d)} ${clock(p)}.${p3(p.ms)} ${pid} ${tid} ${letter} ${tag}: ${msg}`,
      level,
      t,
    );
  },
  fixed: [
    L(
      '03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992}}, allDrawn= false',
      'debug',
      Date.UTC(2017, 2, 17, 16, 13, 38, 811),
    ),
  ],
};

const androidBrief: SystemDef = {
  name: 'android_brief',
  about: 'Android logcat -v brief (L/Tag( pid): text), no time at all',
  referenceMs: Date.UTC(2017, 5, 1),
  render(_t, r) {
    const [letter, level, tag, msg] = pick(r, LOGCAT_EVENTS);
    return L(`${letter}/${tag}(${String(int(r, 1, 32000)).padStart(5)}): ${msg}`, level, null);
  },
  fixed: [
    L(
      'D/dalvikvm( 1234): GC_CONCURRENT freed 2049K, 65% free 3571K/9991K, external 4703K/5261K, paused 2ms+2ms',
      'debug',
      null,
    ),
    L('I/ActivityManager(  585): Displayed com.android.settings/.Settings: +360ms', 'info', null),
    L('W/Tag: short form without a pid', 'warn', null),
  ],
};

// ---------------------------------------------------------------------------------------------
// Unix syslog family (year-less stamps)

const MAC_EVENTS: [string, Level | null, (r: Rng) => string][] = [
  [
    'kernel[0]',
    null,
    () =>
      'IOThunderboltSwitch<0>(0x0)::listenerCallback - Thunderbolt HPD packet for route = 0x0 port = 11 unplug = 0',
  ],
  [
    'kernel[0]',
    null,
    (r) =>
      `ARPT: ${int(r, 600000, 700000)}.${p6(int(r, 0, 999999))}: AirPort_Brcm43xx::syncPowerState: WWEN[enabled]`,
  ],
  ['com.apple.CDScheduler[43]', null, () => 'Thermal pressure state: 1 Memory pressure state: 0'],
  ['QQ[10018]', null, (r) => `FA||Url||taskID[${int(r, 1e9, 2e9)}] dealloc`],
  [
    'sandboxd[129] ([31211])',
    null,
    () => 'com.apple.Addres(31211) deny network-outbound /private/var/run/mDNSResponder',
  ],
  ['WindowServer[184]', null, (r) => `CoreAnimation: timed out fence ${hex(r, 5)}`],
  ['mdworker[31321]', null, () => 'Failed to open “Réunion — 日本語.key”: permission denied'],
  [
    'com.apple.xpc.launchd[1] (com.apple.quicklook[31224])',
    null,
    () =>
      'Endpoint has been activated through legacy launch(3) APIs. Please switch to XPC or bootstrap_check_in(): com.apple.quicklook',
  ],
  ['Google Chrome Helper[31211]', null, () => "Couldn't set thread priority"],
  [
    'com.apple.xpc.launchd[1] <Notice>',
    'info',
    () => 'Service only ran for 0 seconds. Pushing respawn out by 10 seconds.',
  ],
  ['locationd[82] <Warning>', 'warn', () => "Location icon should now be in state 'Inactive'"],
  ['syslogd[38] <Error>', 'error', () => 'ASL Sender Statistics'],
];

const macos: SystemDef = {
  name: 'macos',
  about: 'macOS /var/log/system.log (MMM d HH:mm:ss host prog[pid]: text), no year',
  referenceMs: Date.UTC(2017, 6, 15),
  render(t, r) {
    const p = parts(t);
    if (r() < 0.05)
      return L(
        `${syslogStamp(p)} calvisitor-10-105-160-95 --- last message repeated 1 time ---`,
        null,
        secOf(t),
      );
    const [tag, level, msg] = pick(r, MAC_EVENTS);
    return L(`${syslogStamp(p)} calvisitor-10-105-160-95 ${tag}: ${msg(r)}`, level, secOf(t));
  },
  fixed: [
    L(
      'Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::listenerCallback - Thunderbolt HPD packet for route = 0x0 port = 11 unplug = 0',
      null,
      Date.UTC(2017, 6, 1, 9, 0, 55),
    ),
  ],
};

const LINUX_EVENTS: [string, Level | null, (r: Rng) => string][] = [
  [
    'sshd(pam_unix)[19939]',
    null,
    (r) => `authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=${ip(r)}`,
  ],
  ['su(pam_unix)[21416]', null, () => 'session opened for user cyrus by (uid=0)'],
  [
    'kernel',
    null,
    () =>
      'Linux version 2.6.5-1.358 (bhcompile@bugs.build.redhat.com) (gcc version 3.3.3 20040412 (Red Hat Linux 3.3.3-7)) #1 Sat May 8 09:04:50 EDT 2004',
  ],
  [
    'kernel',
    null,
    (r) =>
      `[ ${int(r, 1, 99999)}.${p6(int(r, 0, 999999))}] usb 1-1: new high-speed USB device number ${int(r, 2, 9)} using ehci-pci`,
  ],
  ['ftpd[25209]', null, (r) => `connection from ${ip(r)} () at Wed Jul 27 14:41:58 2005`],
  ['logrotate', 'fatal', () => 'ALERT exited abnormally with [1]'],
  ['CRON[4242]', null, () => 'pam_unix(cron:session): session opened for user root by (uid=0)'],
  [
    'sudo',
    null,
    () => '  deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx',
  ],
  ['systemd-logind[789]', null, (r) => `New session ${int(r, 1, 999)} of user deploy.`],
  ['dhclient[812]', 'warn', () => 'WARNING: lease renewal failed, retrying'],
  [
    'NetworkManager[701]',
    'info',
    () => '<info>  [1510000000.1234] device (eth0): state change: activated -> deactivating',
  ],
];

const linux: SystemDef = {
  name: 'linux',
  about: 'Linux /var/log/messages and auth.log (MMM d HH:mm:ss host prog[pid]: text), no year',
  referenceMs: Date.UTC(2005, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [tag, level, msg] = pick(r, LINUX_EVENTS);
    return L(`${syslogStamp(p)} combo ${tag}: ${msg(r)}`, level, secOf(t));
  },
  fixed: [
    L(
      'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4',
      null,
      Date.UTC(2005, 5, 14, 15, 16, 1),
    ),
    L('Jun  9 06:06:20 combo syslogd 1.4.1: restart.', null, Date.UTC(2005, 5, 9, 6, 6, 20)),
  ],
};

const SSH_EVENTS: [Level | null, (r: Rng) => string][] = [
  [
    null,
    (r) =>
      `reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [${ip(r)}] failed - POSSIBLE BREAK-IN ATTEMPT!`,
  ],
  [null, (r) => `Invalid user webmaster from ${ip(r)}`],
  [null, () => 'input_userauth_request: invalid user webmaster [preauth]'],
  [null, () => 'pam_unix(sshd:auth): check pass; user unknown'],
  [
    null,
    (r) => `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip(r)}`,
  ],
  [null, (r) => `Failed password for invalid user webmaster from ${ip(r)} port ${int(r, 1024, 65535)} ssh2`],
  [
    null,
    (r) =>
      `Accepted publickey for deploy from ${ip(r)} port ${int(r, 1024, 65535)} ssh2: RSA SHA256:${hex(r, 43)}`,
  ],
  [null, (r) => `Received disconnect from ${ip(r)}: 11: Bye Bye [preauth]`],
  [
    'error',
    (r) =>
      `error: Received disconnect from ${ip(r)}: 14: No more user authentication methods available. [preauth]`,
  ],
  ['fatal', () => 'fatal: Read from socket failed: Connection reset by peer [preauth]'],
  [null, (r) => `Connection closed by ${ip(r)} [preauth]`],
];

const openssh: SystemDef = {
  name: 'openssh',
  about: 'OpenSSH sshd via syslog (MMM d HH:mm:ss host sshd[pid]: text), no year',
  referenceMs: Date.UTC(2017, 0, 31),
  render(t, r) {
    const p = parts(t);
    const [level, msg] = pick(r, SSH_EVENTS);
    return L(`${syslogStamp(p)} LabSZ sshd[${int(r, 1000, 30000)}]: ${msg(r)}`, level, secOf(t));
  },
  fixed: [
    L(
      'Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!',
      null,
      Date.UTC(2016, 11, 10, 6, 55, 46),
    ),
    L(
      'Jan  7 16:33:20 LabSZ sshd[24200]: error: Received disconnect from 103.99.0.122: 14: No more user authentication methods available. [preauth]',
      'error',
      Date.UTC(2017, 0, 7, 16, 33, 20),
    ),
  ],
};

const SYSLOG_NET: [number, (r: Rng) => string][] = [
  [38, (r) => `sshd[${int(r, 100, 9999)}]: Accepted password for root from ${ip(r)} port 22 ssh2`],
  [86, () => 'sudo: pam_unix(sudo:session): session opened for user root by deploy(uid=0)'],
  [11, () => 'app[77]: payment backend unreachable'],
  [12, () => 'kernel: nf_conntrack: table full, dropping packet'],
  [2, () => 'kernel: Kernel panic - not syncing: Fatal exception'],
  [30, () => 'systemd[1]: Started Daily apt upgrade and clean activities.'],
  [31, () => 'dhclient[812]: DHCPREQUEST of 10.0.0.7 on eth0 to 10.0.0.1 port 67'],
  [
    134,
    (r) =>
      `haproxy[${int(r, 100, 9999)}]: ${ip(r)}:${int(r, 1024, 65535)} [06/Nov/2017:11:11:11.123] www backend/srv1 0/0/1/2/3 200 512 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"`,
  ],
  [
    165,
    () =>
      '1 evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry',
  ],
];

const syslogRemote: SystemDef = {
  name: 'syslog_remote',
  about: 'syslog as received over the network: <PRI> then RFC 3164 or RFC 5424, numeric severities',
  referenceMs: Date.UTC(2017, 11, 31),
  render(t, r) {
    const p = parts(t);
    const [pri, msg] = pick(r, SYSLOG_NET);
    const sev = pri & 7;
    const level: Level =
      sev <= 2 ? 'fatal' : sev === 3 ? 'error' : sev === 4 ? 'warn' : sev <= 6 ? 'info' : 'debug';
    const text = msg(r);
    if (text.startsWith('1 ')) {
      return L(
        `<${pri}>1 ${isoDate(p)}T${clock(p)}.${p3(p.ms)}Z fw0${int(r, 1, 4)}.example.com${text.slice(1)}`,
        level,
        t,
      );
    }
    return L(`<${pri}>${syslogStamp(p)} fw0${int(r, 1, 4)} ${text}`, level, secOf(t));
  },
  fixed: [
    L(
      "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick on /dev/pts/8",
      'fatal',
      Date.UTC(2017, 9, 11, 22, 14, 15),
    ),
  ],
};

// ---------------------------------------------------------------------------------------------
// Desktop / device apps

const proxifier: SystemDef = {
  name: 'proxifier',
  about: 'Proxifier ([MM.dd HH:mm:ss] program - host:port text), no year',
  referenceMs: Date.UTC(2016, 11, 15),
  render(t, r) {
    const p = parts(t);
    const prog = pick(r, [
      'chrome.exe',
      'WeChat.exe',
      'Dropbox.exe',
      'QQ.exe',
      'git-remote-https.exe',
      'YodaoDict.exe',
      '网易云音乐.exe',
    ]);
    const host = pick(r, [
      'proxy.cse.cuhk.edu.hk:5070',
      'qbwup.imtt.qq.com:80',
      'block.dropbox.com:443',
      'github.com:443',
      'dict.youdao.com:80',
    ]);
    const msg = pick(r, [
      `open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS`,
      `close, ${int(r, 0, 9000)} bytes sent, ${int(r, 0, 90000)} bytes received, lifetime ${p2(int(r, 0, 59))}:${p2(int(r, 0, 59))}`,
      `close, ${int(r, 0, 900)} bytes sent, ${int(r, 0, 900)} bytes (${int(r, 0, 900)} bytes) received, lifetime <1 sec`,
      'error : Could not connect to proxy proxy.cse.cuhk.edu.hk:5070 - connection attempt failed with error 10061',
    ]);
    return L(`[${p2(p.mo)}.${p2(p.d)} ${clock(p)}] ${prog} - ${host} ${msg}`, null, secOf(t));
  },
  fixed: [
    L(
      '[10.30 16:49:06] chrome.exe - proxy.example.org:5070 open through proxy proxy.example.org:5070 HTTPS',
      null,
      Date.UTC(2016, 9, 30, 16, 49, 6),
    ),
  ],
};

const HEALTH_EVENTS: [string, (r: Rng) => string][] = [
  ['Step_LSC', (r) => `onStandStepChanged ${int(r, 1000, 9999)}`],
  [
    'Step_StandReportReceiver',
    (r) =>
      `REPORT : ${int(r, 1000, 9999)} ${int(r, 1000, 9999)} ${int(r, 100000, 199999)} ${int(r, 100, 300)}`,
  ],
  [
    'Step_SPUtils',
    (r) =>
      `setTodayTotalDetailSteps=${int(r, 1514038440000, 1514938440000)}##7007##548365##8661##12361##27173954`,
  ],
  ['Step_ExtSDM', (r) => `calculateCaloriesWithCache totalCalories=${int(r, 100000, 200000)}`],
  ['HiH_HiSyncUtil', () => 'checkInsertStatus stepSum or calorieSum is enough'],
  [
    'HiH_HiHealthDataInsertStore',
    () => 'saveHealthDetailData() size = 1,type = 2,deviceID = 1,packageName = com.huawei.health',
  ],
  ['Step_StandStepCounter', (r) => `flush sensor data ${int(r, 1, 99)}`],
];

const healthApp: SystemDef = {
  name: 'health_app',
  about: 'Android health app (yyyyMMdd-H:m:s:SSS|component|pid|text, fields unpadded)',
  referenceMs: Date.UTC(2018, 0, 31),
  render(t, r) {
    const p = parts(t);
    const [comp, msg] = pick(r, HEALTH_EVENTS);
    const stamp = `${p.y}${p2(p.mo)}${p2(p.d)}-${p.h}:${p.mi}:${p.s}:${p.ms}`;
    return L(`${stamp}|${comp}|${pick(r, ['30002312', '30001312', '40012345'])}|${msg(r)}`, null, t);
  },
  fixed: [
    L(
      '20180102-9:4:7:88|Step_Counter|40012345|flushTempCache steps=512',
      null,
      Date.UTC(2018, 0, 2, 9, 4, 7, 88),
    ),
    L(
      '20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579',
      null,
      Date.UTC(2017, 11, 23, 22, 15, 29, 606),
    ),
  ],
};

// ---------------------------------------------------------------------------------------------
// Servers

const apacheError: SystemDef = {
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

const nginxError: SystemDef = {
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

const kafka: SystemDef = {
  name: 'kafka',
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

const postgresql: SystemDef = {
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

const mysql: SystemDef = {
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

const redis: SystemDef = {
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

// ---------------------------------------------------------------------------------------------
// Containers and cloud

const dockerJson: SystemDef = {
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

const klog: SystemDef = {
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

const cri: SystemDef = {
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

const journal: SystemDef = {
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

const cloudtrail: SystemDef = {
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

const DEFS: readonly SystemDef[] = [
  bgl,
  thunderbird,
  hpc,
  hdfs,
  hadoop,
  spark,
  zookeeper,
  openstack,
  windowsCbs,
  androidThreadtime,
  androidBrief,
  macos,
  linux,
  openssh,
  syslogRemote,
  proxifier,
  healthApp,
  apacheError,
  nginxError,
  kafka,
  postgresql,
  mysql,
  redis,
  dockerJson,
  klog,
  cri,
  journal,
  cloudtrail,
];

/** Samples written per system besides the hand-written ones. */
const SAMPLES = 36;
/** Samples span this much time before their system's reference date. */
const SAMPLE_SPAN_MS = 120 * 86_400_000;

function defOf(name: string): SystemDef {
  const d = DEFS.find((x) => x.name === name);
  if (d === undefined)
    throw new Error(`unknown system "${name}": expected one of ${DEFS.map((x) => x.name).join(', ')}`);
  return d;
}

/** n lines of system `name`, times rising from `fromMs` to `toMs` (deterministic for a seed). */
export function writeSystemLines(name: string, n: number, opts: WriteOptions): SystemLine[] {
  const def = defOf(name);
  const r = rngOf(opts.seed ^ hashName(name));
  const span = Math.max(0, opts.toMs - opts.fromMs);
  const out = new Array<SystemLine>(n);
  for (let i = 0; i < n; i++) {
    const t = opts.fromMs + Math.floor((span * (i + r())) / Math.max(1, n));
    out[i] = def.render(Math.min(t, opts.toMs), r);
  }
  return out;
}

/** n lines split evenly over every system (one file's worth each), over the same period. */
export function writeRealCorpus(n: number, opts: WriteOptions): { name: string; lines: string[] }[] {
  const per = Math.floor(n / DEFS.length);
  return DEFS.map((d, i) => {
    const count = per + (i < n - per * DEFS.length ? 1 : 0);
    return { name: d.name, lines: writeSystemLines(d.name, count, opts).map((l) => l.line) };
  });
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export const REAL_SYSTEMS: readonly RealSystem[] = DEFS.map((d) => ({
  name: d.name,
  about: d.about,
  referenceMs: d.referenceMs,
  lines: [
    ...d.fixed,
    ...writeSystemLines(d.name, SAMPLES, {
      fromMs: d.referenceMs - SAMPLE_SPAN_MS,
      toMs: d.referenceMs - 3_600_000,
      seed: 28,
    }),
  ],
}));

export const SYSTEM_NAMES: readonly string[] = DEFS.map((d) => d.name);
