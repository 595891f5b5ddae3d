/**
 * `java`: log4j's pattern layout `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%t] %c - %m%n`,
 * `2015-10-18 18:01:47,978 ERROR [main] org.x.Y - msg`. Half the ERROR events carry a multi-line
 * stack trace (tab-indented `at` frames, a `Caused by:` chain, `... N more`) — one record of
 * several lines, as a log4j appender writes it.
 */
import { drawAppEvent, ERROR, newAppEvent } from '../app-event.js';
import { fracMillis, perSecond, spacedSecond } from '../time-text.js';
import type { LogFormat } from './format.js';

const LEVEL_TEXT = [' DEBUG [', ' INFO  [', ' WARN  [', ' ERROR ['];
const THREADS = [
  'main',
  'http-nio-8080-exec-1',
  'http-nio-8080-exec-7',
  'http-nio-8080-exec-12',
  'scheduling-1',
  'kafka-consumer-2',
  'ForkJoinPool.commonPool-worker-3',
];
const CLASSES = ['Controller', 'Service', 'Repository', 'Client', 'EventPublisher'];

/** Stack traces: exception, frames, optional cause. */
const TRACES: string[] = [
  [
    'java.net.SocketTimeoutException: Read timed out',
    '\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)',
    '\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)',
    '\tat org.apache.http.impl.io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl.java:153)',
    '\tat com.shop.payments.PaymentClient.charge(PaymentClient.java:88)',
    '\tat com.shop.checkout.OrderService.place(OrderService.java:142)',
    '\tat com.shop.checkout.OrderController.create(OrderController.java:57)',
  ].join('\n'),
  [
    'java.lang.NullPointerException: Cannot invoke "com.shop.cart.Cart.getItems()" because "cart" is null',
    '\tat com.shop.checkout.OrderService.total(OrderService.java:203)',
    '\tat com.shop.checkout.OrderService.place(OrderService.java:131)',
    '\tat com.shop.checkout.OrderController.create(OrderController.java:57)',
    '\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)',
  ].join('\n'),
  [
    'org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection',
    '\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:277)',
    '\tat com.shop.inventory.StockRepository.reserve(StockRepository.java:64)',
    '\tat com.shop.inventory.StockService.reserve(StockService.java:39)',
    'Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
    '\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)',
    '\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)',
    '\t... 14 more',
  ].join('\n'),
  [
    'java.lang.IllegalStateException: order ord_4711 already paid',
    '\tat com.shop.payments.PaymentService.capture(PaymentService.java:112)',
    '\tat com.shop.payments.PaymentController.capture(PaymentController.java:48)',
  ].join('\n'),
];

/** The `java` (log4j) format. */
export const java: LogFormat = {
  id: 'java',
  description: 'log4j layout: time, level, [thread], logger - message; stack traces on half the errors',
  ascii: true,
  create({ rng, scene }) {
    const e = newAppEvent();
    const time = perSecond(spacedSecond);
    const loggers = scene.services.map((s) => {
      const pkg = `com.shop.${s.replace(/-/g, '')}.`;
      const cap = s.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
      return CLASSES.map((c) => `] ${pkg}${cap}${c} - `);
    });
    const svcIndex = new Map(scene.services.map((s, i) => [s, i]));
    return (tsUs) => {
      drawAppEvent(scene, rng, e);
      const x = e.extra;
      const line =
        time(tsUs) +
        ',' +
        fracMillis(tsUs).slice(1) +
        LEVEL_TEXT[e.level] +
        THREADS[x % THREADS.length] +
        loggers[svcIndex.get(e.service)!][(x >>> 8) % CLASSES.length] +
        e.message;
      if (e.level === ERROR && (x >>> 16) % 2 === 0) return line + '\n' + TRACES[(x >>> 17) % TRACES.length];
      return line;
    };
  },
};
