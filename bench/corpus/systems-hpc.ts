/** Supercomputers and clusters: Blue Gene/L, Thunderbird, HPC node logs. */
import type { Level } from '../../src/core/events.js';
import {
  clock,
  int,
  isoDate,
  L,
  MON,
  p2,
  p6,
  parts,
  pick,
  type Rng,
  SITE_OFFSET_MS,
  type SystemDef,
  secOf,
} from './kit.js';

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

export const bgl: SystemDef = {
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

export const thunderbird: SystemDef = {
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

export const hpc: SystemDef = {
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
