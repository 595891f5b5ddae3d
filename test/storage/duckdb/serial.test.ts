/** The store's ordering primitives: queue order, joined flights, and the gate between readers and commits. */
import { describe, expect, it } from 'vitest';
import { CommitGate, Flight, type GateReader, SerialQueue } from '../../../src/storage/duckdb/serial.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 5));

describe('SerialQueue', () => {
  it('runs tasks one at a time in the order they came, a failure stopping none', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task =
      (name: string, fail = false) =>
      async () => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      };
    const a = q.run(task('a'));
    const b = q.run(task('b', true));
    const c = q.run(task('c'));
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('is idle once every task queued so far has settled, and never rejects', async () => {
    const q = new SerialQueue();
    let done = false;
    q.run(async () => {
      await tick();
      throw new Error('x');
    }).catch(() => {});
    q.run(async () => {
      await tick();
      done = true;
    });
    await q.idle();
    expect(done).toBe(true);
  });
});

describe('Flight', () => {
  it('gives callers during a run the same promise, and starts anew after it', async () => {
    const f = new Flight<number>();
    let runs = 0;
    const fn = async () => {
      runs++;
      await tick();
      return runs;
    };
    const a = f.join(fn);
    const b = f.join(fn);
    expect(b).toBe(a);
    expect(f.current).toBe(a);
    expect(await a).toBe(1);
    expect(f.current).toBeNull();
    expect(await f.join(fn)).toBe(2);
  });

  it('ends a failed run too', async () => {
    const f = new Flight<void>();
    await expect(f.join(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(f.current).toBeNull();
  });
});

describe('CommitGate', () => {
  it('runs a commit after the readers reading when it starts, and holds new readers until it ends', async () => {
    const gate = new CommitGate();
    const log: string[] = [];
    const first: GateReader = {};
    await gate.enter(first);
    expect(first.reading).toBe(true);
    const commit = gate.exclusive(async () => {
      log.push('commit');
      await tick();
      log.push('committed');
    });
    const second: GateReader = {};
    const entered = gate.enter(second).then(() => log.push('second reads'));
    await tick();
    expect(log).toEqual([]); // the commit waits for the first reader
    gate.leave(first);
    expect(first.reading).toBe(false);
    await commit;
    await entered;
    expect(log).toEqual(['commit', 'committed', 'second reads']);
    gate.leave(second);
    gate.leave(second); // a reader no longer reading is left alone
    await gate.exclusive(async () => log.push('alone'));
    expect(log.at(-1)).toBe('alone');
  });
});
