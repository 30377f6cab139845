import { releaseArray } from '../memory/release-array.js';

/**
 * Reference-counted string interning: sessions keep 4-byte ids instead of one string object each
 * for their entry/exit paths; a string leaves the table when its last holder releases it.
 */
export class InternTable {
  private readonly ids = new Map<string, number>();
  private strings: (string | undefined)[] = [];
  private refs = new Int32Array(64);
  private readonly free: number[] = [];

  /** Returns the id of `text` and takes one reference on it. */
  acquire(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.free.pop() ?? this.strings.length;
      if (id >= this.refs.length) {
        const grown = new Int32Array(this.refs.length * 2);
        grown.set(this.refs);
        releaseArray(this.refs);
        this.refs = grown;
      }
      this.strings[id] = text;
      this.ids.set(text, id);
    }
    this.refs[id]!++;
    return id;
  }

  /** Drops one reference (ids < 0 are ignored). */
  release(id: number): void {
    if (id < 0) return;
    if (--this.refs[id]! > 0) return;
    this.ids.delete(this.strings[id]!);
    this.strings[id] = undefined;
    this.free.push(id);
  }

  get(id: number): string | null {
    return id < 0 ? null : this.strings[id]!;
  }

  get size(): number {
    return this.ids.size;
  }
}
