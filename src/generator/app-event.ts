/**
 * One application event drawn from the scene — level, service, host, message, latency, user and,
 * for request events, method, path and status — shared by the application-log formats (logfmt,
 * app, java, python, syslog) so they tell the same story. The event is a reused plain object:
 * drawing one allocates nothing but its strings.
 */
import { nextU32, type Rng } from './prng.js';
import { drawStatusOfClass, renderTemplate, routePath, type Scene } from './scene.js';
import { draw } from './weighted.js';

/** Level indices as drawn from `scene.levelW`. */
export const DEBUG = 0;
export const INFO = 1;
export const WARN = 2;
export const ERROR = 3;

/** A drawn application event; fields are overwritten by each draw. */
export interface AppEvent {
  /** 0 debug, 1 info, 2 warn, 3 error. */
  level: number;
  service: string;
  host: string;
  message: string;
  latencyText: string;
  userId: string;
  /** Request events carry these; `status` is 0 otherwise. */
  method: string;
  path: string;
  status: number;
  /** A spare random word for format-specific choices (thread, pid, logger). */
  extra: number;
}

/** A blank event to draw into. */
export function newAppEvent(): AppEvent {
  return {
    level: 1,
    service: '',
    host: '',
    message: '',
    latencyText: '',
    userId: '',
    method: '',
    path: '',
    status: 0,
    extra: 0,
  };
}

/** Draws the next event into `e`. Six in ten non-debug events are requests whose status agrees with the level. */
export function drawAppEvent(scene: Scene, r: Rng, e: AppEvent): AppEvent {
  const level = draw(scene.levelW, r);
  const svc = draw(scene.serviceW, r);
  const hosts = scene.hosts[svc];
  const u = nextU32(r);
  e.level = level;
  e.service = scene.services[svc];
  e.host = hosts[(u >>> 12) % hosts.length];
  e.latencyText = scene.latencyText[u & 4095];
  e.userId = scene.userIds[draw(scene.userIdW, r)];
  e.extra = nextU32(r);
  if (level !== DEBUG && u >>> 28 < 10) {
    const route = scene.routes[draw(scene.routeW, r)];
    e.method = route.method;
    e.path = routePath(scene, r, route);
    const cls = level === INFO ? (((u >>> 16) & 15) < 2 ? 1 : 0) : level === WARN ? 2 : 3;
    e.status = drawStatusOfClass(scene, r, cls);
    e.message = e.method + ' ' + e.path + ' ' + e.status + ' in ' + e.latencyText + 'ms';
  } else {
    const list = scene.messages[level];
    e.method = '';
    e.path = '';
    e.status = 0;
    e.message = renderTemplate(list[(u >>> 16) % list.length], r);
  }
  return e;
}
