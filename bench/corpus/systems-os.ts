/** Operating systems and device apps: Windows CBS, Android, macOS, Linux, OpenSSH, syslog, Proxifier, a health app. */
import type { Level } from '../../src/core/events.js';
import {
  clock,
  hex,
  int,
  ip,
  isoDate,
  isoSpace,
  L,
  type Parts,
  p2,
  p3,
  p6,
  parts,
  pick,
  type Rng,
  type SystemDef,
  secOf,
  syslogStamp,
} from './kit.js';

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

export const windowsCbs: SystemDef = {
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

export const androidThreadtime: SystemDef = {
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

export const androidBrief: SystemDef = {
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

export const macos: SystemDef = {
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

export const linux: SystemDef = {
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

export const openssh: SystemDef = {
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

export const syslogRemote: SystemDef = {
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

export const proxifier: SystemDef = {
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

export const healthApp: SystemDef = {
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
