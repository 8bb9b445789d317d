/**
 * A page of upstream rows mapped to models only as they are read. A Picqer list page holds 100
 * rows; a client asking for `first: 20` reads 20 of them, and mapping the other 80 (their lines,
 * addresses and prices) was garbage made on every request. Arrays have the same `length` and
 * `slice`, so code that pages over rows (resolvers/paginate.ts) takes either.
 */
export interface RowSource<T> {
  readonly length: number;
  slice(start?: number, end?: number): T[];
}

export class LazyRows<W, M> implements RowSource<M> {
  private readonly mapped: Array<M | undefined>;

  constructor(
    private readonly wires: readonly W[],
    private readonly map: (w: W) => M,
  ) {
    this.mapped = new Array<M | undefined>(wires.length);
  }

  get length(): number {
    return this.wires.length;
  }

  /** The model of row `i`, mapped once. */
  at(i: number): M {
    return (this.mapped[i] ??= this.map(this.wires[i]));
  }

  /** The wire row `i` as it came (for keys that need no mapping, e.g. its id). */
  wire(i: number): W {
    return this.wires[i];
  }

  slice(start = 0, end = this.wires.length): M[] {
    const from = Math.max(0, start < 0 ? this.wires.length + start : start);
    const to = Math.min(this.wires.length, end < 0 ? this.wires.length + end : end);
    const out: M[] = [];
    for (let i = from; i < to; i++) out.push(this.at(i));
    return out;
  }

  /** The first model whose wire row matches `test`: rows before it are not mapped. */
  findByWire(test: (w: W) => boolean): M | undefined {
    const i = this.wires.findIndex(test);
    return i === -1 ? undefined : this.at(i);
  }
}
