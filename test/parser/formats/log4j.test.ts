import { describe, expect, it } from 'vitest';
import { parseLog4j } from '../../../src/parser/formats/log4j.js';
import { ctx, us } from '../helpers.js';

const parse = (line: string) => parseLog4j(line, ctx);

describe('log4j', () => {
  it('parses the log4j layout `date LEVEL [thread] logger: msg`', () => {
    expect(
      parse(
        '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster',
      ),
    ).toEqual({
      format: 'log4j',
      ts: us('2015-10-18T18:01:47.978Z'),
      level: 'info',
      message: 'Created MRAppMaster',
      service: null,
      host: null,
      fields: { thread: 'main', logger: 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster' },
    });
  });

  it('parses logback `date [thread] LEVEL logger - msg` with a multi-line stack trace', () => {
    const p = parse(
      '2026-11-27 12:00:00.123 [http-nio-8080-exec-1] ERROR c.e.shop.OrderService - Order failed\njava.lang.IllegalStateException: boom\n\tat c.e.shop.OrderService.place(OrderService.java:42)',
    );
    expect(p?.level).toBe('error');
    expect(p?.fields).toEqual({ thread: 'http-nio-8080-exec-1', logger: 'c.e.shop.OrderService' });
    expect(p?.message.split('\n')).toHaveLength(3);
  });

  it('parses the Zookeeper layout', () => {
    const p = parse(
      '2012-01-01 12:00:00,123 - WARN  [SendWorker:188978561024:QuorumCnxManager$SendWorker@679] - Interrupted',
    );
    expect(p?.level).toBe('warn');
    expect(p?.fields).toEqual({
      thread: 'SendWorker:188978561024',
      class: 'QuorumCnxManager$SendWorker',
      line: 679,
    });
    expect(p?.message).toBe('Interrupted');
    const myid = parse(
      '2012-01-01 12:00:00,123 [myid:3] - INFO  [main:QuorumPeer@913] - tickTime set to 2000',
    );
    expect(myid?.fields).toMatchObject({ myid: '3', thread: 'main', class: 'QuorumPeer', line: 913 });
  });

  it('parses Spring Boot lines with pid, padding and `:` separator', () => {
    const p = parse(
      '2026-11-27T12:00:00.123+01:00  WARN 4242 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started',
    );
    expect(p?.ts).toBe(us('2026-11-27T11:00:00.123Z'));
    expect(p?.fields).toEqual({
      pid: 4242,
      thread: 'main',
      logger: 'o.s.b.w.embedded.tomcat.TomcatWebServer',
    });
    expect(p?.message).toBe('Tomcat started');
  });

  it('keeps odd level spellings in level_raw', () => {
    expect(parse('2026-11-27 12:00:00,000 SEVERE [t] a.B: x')?.fields.level_raw).toBe('SEVERE');
  });

  it('rejects lines without level or without thread and logger', () => {
    expect(parse('2026-11-27 12:00:00 hello world')).toBeNull();
    expect(parse('2026-11-27 12:00:00 INFO hello world')).toBeNull();
    expect(parse('INFO [main] a.B: x')).toBeNull();
  });
});
