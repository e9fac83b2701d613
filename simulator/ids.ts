/**
 * Record ids like Cliniko's modern ones: 64-bit integers rendered as 18–19 digit decimal strings, not
 * sequential, unique within an account and reproducible from the seed.
 */
import type { Random } from './random.js';

const MIN = 100_000_000_000_000_000n; // 18 digits
const SPAN = 9_223_372_036_854_775_807n - MIN; // up to int64 max (19 digits)

export class IdGenerator {
  private readonly taken = new Set<string>();

  constructor(private readonly random: Random) {}

  /** Marks an id chosen elsewhere (the test backdoor) as taken, so `next()` never hands it out. */
  reserve(id: string): void {
    this.taken.add(id);
  }

  next(): string {
    for (;;) {
      const raw = (BigInt(this.random.uint32()) << 32n) | BigInt(this.random.uint32());
      const id = (MIN + (raw % SPAN)).toString();
      if (!this.taken.has(id)) {
        this.taken.add(id);
        return id;
      }
    }
  }
}
