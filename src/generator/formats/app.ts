/**
 * `app`: the plain application layout many small services write,
 * `[2026-11-27T12:00:00.123Z] INFO [checkout] order placed: ord_42`.
 */
import { drawAppEvent, newAppEvent } from '../app-event.js';
import { fracMillis, isoSecond, perSecond } from '../time-text.js';
import type { LogFormat } from './format.js';

const LEVEL_TEXT = ['Z] DEBUG [', 'Z] INFO [', 'Z] WARN [', 'Z] ERROR ['];

/** The `app` format. */
export const app: LogFormat = {
  id: 'app',
  description: 'plain application lines: [ISO time] LEVEL [service] message',
  ascii: true,
  create({ rng, scene }) {
    const e = newAppEvent();
    const time = perSecond((s) => `[${isoSecond(s)}`);
    return (tsUs) => {
      drawAppEvent(scene, rng, e);
      return time(tsUs) + fracMillis(tsUs) + LEVEL_TEXT[e.level] + e.service + '] ' + e.message;
    };
  },
};
