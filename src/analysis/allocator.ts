// PyTorch's CUDA caching allocator (c10/cuda/CUDACachingAllocator.cpp), as far as what it
// reports as allocated goes: a request is rounded to 512 bytes and served from a cached block of
// its pool, the smallest that fits (best fit); a block is split only when what remains is worth
// keeping, else the request gets the whole block, and `memory_allocated` counts the whole block.
// That slack, not the 512-byte rounding, is what this models.
//
//   small pool  requests up to 1 MiB, from 2 MiB segments; split when 512 bytes or more remain
//   large pool  requests above 1 MiB: below 10 MiB from 20 MiB segments, from 10 MiB on from a
//               segment of the request rounded up to 2 MiB; split only when more than 1 MiB remains
//
// Freed blocks go back to their pool and merge with free neighbours in their segment; segments
// are kept (a cache), never returned.

const KB = 1024;
const MB = 1024 * KB;
const SMALL_SIZE = 1 * MB;
const SMALL_BUFFER = 2 * MB;
const LARGE_BUFFER = 20 * MB;
const MIN_LARGE_ALLOC = 10 * MB;
const ROUND_LARGE = 2 * MB;
const MIN_BLOCK = 512;

/**
 * A block of a segment: free in its pool, or handed out for a request (then its size is what
 * `memory_allocated` counts for that request, and the block is the handle to free it).
 */
export interface Block {
  readonly segment: number;
  /** Of the small pool's segments (requests up to 1 MiB). */
  readonly small: boolean;
  offset: number;
  size: number;
  free: boolean;
  prev: Block | null;
  next: Block | null;
}

/** What a request was given: its block. */
export type Allocation = Readonly<Block>;

/** Pool order (the allocator's block set): by size, then segment, then offset. */
function before(a: Block, b: Block): boolean {
  if (a.size !== b.size) return a.size < b.size;
  if (a.segment !== b.segment) return a.segment < b.segment;
  return a.offset < b.offset;
}

export class CachingAllocator {
  private segments = 0;
  /** Free blocks of each pool, kept sorted by size (then by segment and offset). */
  private readonly small: Block[] = [];
  private readonly large: Block[] = [];
  /** Bytes in blocks handed out (what torch.cuda.memory_allocated reports). */
  allocated = 0;

  /** Serves a request of `bytes` (already a multiple of 512). */
  malloc(bytes: number): Allocation {
    const size = Math.max(MIN_BLOCK, Math.ceil(bytes / MIN_BLOCK) * MIN_BLOCK);
    const small = size <= SMALL_SIZE;
    const pool = small ? this.small : this.large;
    let block = this.bestFit(pool, size);
    if (!block) {
      const segmentSize = small ? SMALL_BUFFER : size < MIN_LARGE_ALLOC ? LARGE_BUFFER : Math.ceil(size / ROUND_LARGE) * ROUND_LARGE;
      block = { segment: this.segments++, small, offset: 0, size: segmentSize, free: true, prev: null, next: null };
    } else {
      this.remove(pool, block);
    }
    const remaining = block.size - size;
    if (small ? remaining >= MIN_BLOCK : remaining > SMALL_SIZE) {
      const rest: Block = { segment: block.segment, small, offset: block.offset + size, size: remaining, free: true, prev: block, next: block.next };
      if (block.next) block.next.prev = rest;
      block.next = rest;
      block.size = size;
      this.insert(pool, rest);
    }
    block.free = false;
    this.allocated += block.size;
    return block;
  }

  free(a: Allocation): void {
    let block = a as Block;
    const pool = block.small ? this.small : this.large;
    this.allocated -= block.size;
    block.free = true;
    // merge with free neighbours in the segment: the one before absorbs this block, this block
    // absorbs the one after
    const prev = block.prev;
    if (prev && prev.free) {
      this.remove(pool, prev);
      this.join(prev, block);
      block = prev;
    }
    const next = block.next;
    if (next && next.free) {
      this.remove(pool, next);
      this.join(block, next);
    }
    this.insert(pool, block);
  }

  /** `first` takes in `second`, the block after it. */
  private join(first: Block, second: Block): void {
    first.size += second.size;
    first.next = second.next;
    if (second.next) second.next.prev = first;
  }

  /** Where a block goes in its pool, by the pool's order. */
  private place(pool: Block[], block: Block): number {
    let lo = 0;
    let hi = pool.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(pool[mid]!, block)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private remove(pool: Block[], block: Block): void {
    pool.splice(pool.indexOf(block), 1);
  }

  private bestFit(pool: Block[], size: number): Block | undefined {
    // the first block of at least `size` in size order
    let lo = 0;
    let hi = pool.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pool[mid]!.size < size) lo = mid + 1;
      else hi = mid;
    }
    return pool[lo];
  }

  private insert(pool: Block[], block: Block): void {
    pool.splice(this.place(pool, block), 0, block);
  }
}
