/**
 * `python`: the `logging` module with the cookbook's layout
 * `%(asctime)s - %(name)s - %(levelname)s - %(message)s`,
 * `2026-11-27 12:00:00,123 - shop.cart - ERROR - message`. Half the ERROR events carry a
 * traceback (`logger.exception`), several lines in one record.
 */
import { drawAppEvent, ERROR, newAppEvent } from '../app-event.js';
import { fracMillis, perSecond, spacedSecond } from '../time-text.js';
import type { LogFormat } from './format.js';

const LEVEL_TEXT = [' - DEBUG - ', ' - INFO - ', ' - WARNING - ', ' - ERROR - '];
const MODULES = ['views', 'db', 'tasks', 'client'];

const TRACEBACKS: string[] = [
  [
    'Traceback (most recent call last):',
    '  File "/srv/app/shop/orders/service.py", line 88, in place_order',
    '    charge = payments.charge(order)',
    '  File "/srv/app/shop/payments/client.py", line 41, in charge',
    '    raise PaymentError("card declined")',
    'shop.payments.errors.PaymentError: card declined',
  ].join('\n'),
  [
    'Traceback (most recent call last):',
    '  File "/srv/app/shop/db.py", line 120, in execute',
    '    return self.conn.execute(sql, params)',
    '  File "/usr/lib/python3.12/site-packages/psycopg/connection.py", line 870, in execute',
    '    raise ex.with_traceback(None)',
    'psycopg.OperationalError: consuming input failed: server closed the connection unexpectedly',
  ].join('\n'),
  [
    'Traceback (most recent call last):',
    '  File "/srv/app/shop/cart/views.py", line 57, in add_item',
    '    qty = int(request.form["qty"])',
    "ValueError: invalid literal for int() with base 10: 'two'",
  ].join('\n'),
  [
    'Traceback (most recent call last):',
    '  File "/srv/app/shop/search/client.py", line 33, in query',
    '    resp = session.get(url, timeout=2.0)',
    '  File "/usr/lib/python3.12/site-packages/requests/sessions.py", line 602, in get',
    '    return self.request("GET", url, **kwargs)',
    "requests.exceptions.ReadTimeout: HTTPConnectionPool(host='search', port=9200): Read timed out. (read timeout=2.0)",
  ].join('\n'),
];

/** The `python` (logging) format. */
export const python: LogFormat = {
  id: 'python',
  description: 'Python logging: time,ms - logger - LEVEL - message; tracebacks on half the errors',
  ascii: true,
  create({ rng, scene }) {
    const e = newAppEvent();
    const time = perSecond(spacedSecond);
    const loggers = new Map(
      scene.services.map((s) => [s, MODULES.map((m) => ` - shop.${s.replace(/-/g, '_')}.${m}`)]),
    );
    return (tsUs) => {
      drawAppEvent(scene, rng, e);
      const x = e.extra;
      const line =
        time(tsUs) +
        ',' +
        fracMillis(tsUs).slice(1) +
        loggers.get(e.service)![x % MODULES.length] +
        LEVEL_TEXT[e.level] +
        e.message;
      if (e.level === ERROR && (x >>> 16) % 2 === 0)
        return line + '\n' + TRACEBACKS[(x >>> 17) % TRACEBACKS.length];
      return line;
    };
  },
};
