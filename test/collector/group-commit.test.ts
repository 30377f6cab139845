import { describe, expect, test } from 'vitest';
import { GroupCommitter } from '../../collector/src/store/group-commit.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** A committer whose writes succeed at once, answering n * 10; `groups` lists what each write got. */
function recordingCommitter() {
  const groups: number[][] = [];
  const committer = new GroupCommitter<number, number>({
    maxWeight: 100,
    weight: () => 1,
    commit: async (items) => {
      groups.push(items);
      return items.map((n) => n * 10);
    },
  });
  return { committer, groups };
}

describe('GroupCommitter', () => {
  test('requests of one event-loop turn share one commit; each gets its own result', async () => {
    const { committer, groups } = recordingCommitter();
    expect(await Promise.all([committer.submit(1), committer.submit(2), committer.submit(3)])).toEqual([10, 20, 30]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  test('with nothing in flight a request is committed on the next turn of the event loop, without a fixed wait', async () => {
    const { committer, groups } = recordingCommitter();
    const result = committer.submit(7);
    expect(groups).toEqual([]); // requests of this turn may still join
    await new Promise((resolve) => setImmediate(resolve));
    expect(groups).toEqual([[7]]);
    expect(await result).toBe(70);
  });

  test('at most maxConcurrent groups in flight; later requests form the next group', async () => {
    const writes: ReturnType<typeof deferred>[] = [];
    let inFlight = 0;
    let maxSeen = 0;
    const committer = new GroupCommitter<number, number>({
      maxWeight: 100,
      maxConcurrent: 2,
      weight: () => 1,
      commit: async (items) => {
        inFlight++;
        maxSeen = Math.max(maxSeen, inFlight);
        const write = deferred();
        writes.push(write);
        await write.promise;
        inFlight--;
        return items;
      },
    });
    const results = [committer.submit(1), committer.submit(2)];
    await tick();
    results.push(committer.submit(3));
    await tick();
    results.push(committer.submit(4)); // both slots busy: waits
    await tick();
    expect(writes).toHaveLength(2);
    writes[1]!.resolve(); // the second group finishes first...
    writes[0]!.resolve();
    await tick();
    expect(writes).toHaveLength(3);
    writes[2]!.resolve();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
    expect(maxSeen).toBe(2);
  });

  test('a failed group rejects its own requests only; groups beside and after it commit', async () => {
    const writes: ReturnType<typeof deferred>[] = [];
    const committer = new GroupCommitter<string, string>({
      maxWeight: 100,
      maxConcurrent: 2,
      weight: () => 1,
      commit: async (items) => {
        const write = deferred();
        writes.push(write);
        await write.promise;
        return items;
      },
    });
    const first = committer.submit('a');
    await tick();
    const second = committer.submit('b');
    await tick();
    writes[0]!.reject(new Error('disk full'));
    writes[1]!.resolve();
    await expect(first).rejects.toThrow('disk full');
    expect(await second).toBe('b');
    const third = committer.submit('c');
    await tick();
    writes[2]!.resolve();
    expect(await third).toBe('c');
    await committer.drain();
  });

  test('drain waits for queued and running groups', async () => {
    let committed = 0;
    const committer = new GroupCommitter<number, number>({
      maxWeight: 100,
      weight: () => 1,
      commit: async (items) => {
        await tick();
        committed += items.length;
        return items;
      },
    });
    void committer.submit(1);
    void committer.submit(2);
    await committer.drain();
    expect(committed).toBe(2);
  });

  test('beside a running group, a new one starts only from minConcurrentWeight', async () => {
    const writes: ReturnType<typeof deferred>[] = [];
    const groups: number[][] = [];
    const committer = new GroupCommitter<number, number>({
      maxWeight: 1000,
      maxConcurrent: 2,
      minConcurrentWeight: 10,
      weight: (n) => n,
      commit: async (items) => {
        groups.push(items);
        const write = deferred();
        writes.push(write);
        await write.promise;
        return items;
      },
    });
    const results = [committer.submit(1)];
    await tick();
    results.push(committer.submit(2)); // small: waits for the running group
    await tick();
    expect(groups).toEqual([[1]]);
    results.push(committer.submit(9)); // queue reaches 11: starts beside it
    await tick();
    expect(groups).toEqual([[1], [2, 9]]);
    writes[0]!.resolve();
    writes[1]!.resolve();
    expect(await Promise.all(results)).toEqual([1, 2, 9]);
  });
});
