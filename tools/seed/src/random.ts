import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hex16 = (value: number) => HEX[value >>> 8]! + HEX[value & 0xff]!;
const hex32 = (value: number) => hex16(value >>> 16) + hex16(value & 0xffff);

/**
 * A seeded source of everything the generator draws: the same seed gives the same
 * orders, ids and lifecycles, so a benchmark or a rebuild drill can be repeated on
 * identical data. xoroshiro128+ (pure-rand) is fast and good enough for test data; it
 * is not for secrets, and the UUIDs it makes are unique in practice, not by guarantee.
 */
export class SeededRandom {
  private readonly rng: RandomGenerator;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }

  /** 32 random bits as an unsigned integer. */
  private nextUint32(): number {
    return this.rng.unsafeNext() >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(0, values.length - 1)]!;
  }

  /**
   * An RFC 9562 version-4 UUID (version and variant bits set, so `z.uuid()` accepts it),
   * built from four 32-bit draws with a lookup table: the seeder makes millions.
   */
  uuid(): string {
    const a = this.nextUint32();
    const b = ((this.nextUint32() & 0xffff0fff) | 0x4000) >>> 0;
    const c = ((this.nextUint32() & 0x3fffffff) | 0x80000000) >>> 0;
    const d = this.nextUint32();
    return `${hex32(a)}-${hex16(b >>> 16)}-${hex16(b & 0xffff)}-${hex16(c >>> 16)}-${hex16(c & 0xffff)}${hex32(d)}`;
  }
}
