/**
 * How clients find the storage process that owns a data dir: it writes `server.json` there while
 * it runs, and removes it on shutdown (announce.ts). A stale file (dead pid, no answer) is
 * ignored, and replaced by the next storage process to start.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';

export interface ServerInfo {
  pid: number;
  url: string;
  started_at: string;
  /** Present when the API requires a bearer token. */
  token?: string;
}

/** The discovery file for a data dir. */
export function serverInfoPath(dataDir: string): string {
  return join(dataDir, 'server.json');
}

/** Announces a running server (atomically: readers never see half a file). */
export function writeServerInfo(dataDir: string, info: ServerInfo): void {
  const path = serverInfoPath(dataDir);
  try {
    writeFileSync(`${path}.tmp`, `${JSON.stringify(info)}\n`, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  } catch (err) {
    // A full disk leaves a cut-short temp file: it must not keep the space the next try needs.
    rmSync(`${path}.tmp`, { force: true });
    throw err;
  }
}

/** Removes an announcement whose process is gone (killed -9); returns what it said. */
export function removeStaleServerInfo(dataDir: string): ServerInfo | null {
  const info = readServerInfo(dataDir);
  if (info === null || pidAlive(info.pid)) return null;
  rmSync(serverInfoPath(dataDir), { force: true });
  return info;
}

/** Withdraws the announcement, if it is still ours. */
export function removeServerInfo(dataDir: string, pid = process.pid): void {
  const info = readServerInfo(dataDir);
  if (info && info.pid === pid) rmSync(serverInfoPath(dataDir), { force: true });
}

/** Reads the announcement, or null when there is none or it is unreadable. */
export function readServerInfo(dataDir: string): ServerInfo | null {
  try {
    const info = JSON.parse(readFileSync(serverInfoPath(dataDir), 'utf8')) as ServerInfo;
    return typeof info.url === 'string' && typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** The running server for a data dir, checked alive with /healthz; null when none answers. */
export async function findServer(dataDir: string, timeoutMs = 1000): Promise<ServerInfo | null> {
  const info = readServerInfo(dataDir);
  if (!info || !pidAlive(info.pid)) return null;
  try {
    const res = await fetch(`${info.url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? info : null;
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists (one we may not signal counts). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The server to ask: the one named by `--server URL` (with the token from LOGPIPE_TOKEN), which
 * must answer; otherwise the one announced in the data dir, if it answers; otherwise null.
 */
export async function chooseServer(dataDir: string, url?: string): Promise<ServerInfo | null> {
  if (url === undefined) return findServer(dataDir);
  const base = url.replace(/\/+$/, '');
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new UsageError(`no logpipe server answers at ${base} (${cause ?? (err as Error).message})`);
  }
  const token = process.env.LOGPIPE_TOKEN;
  return { pid: 0, url: base, started_at: '', ...(token ? { token } : {}) };
}
