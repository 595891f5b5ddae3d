/** The Hadoop family and OpenStack: HDFS, Hadoop, Spark, Zookeeper, nova. */
import type { Level } from '../../src/core/events.js';
import {
  clock,
  hex,
  int,
  ip,
  isoSpace,
  javaTrace,
  L,
  p2,
  p3,
  parts,
  pick,
  pythonTrace,
  type Rng,
  type SystemDef,
  secOf,
} from './kit.js';

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

export const hdfs: SystemDef = {
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

export const hadoop: SystemDef = {
  name: 'hadoop',
  trace: javaTrace,
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

export const spark: SystemDef = {
  name: 'spark',
  trace: javaTrace,
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

export const zookeeper: SystemDef = {
  name: 'zookeeper',
  trace: javaTrace,
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

export const openstack: SystemDef = {
  name: 'openstack',
  trace: pythonTrace,
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
