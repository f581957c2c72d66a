/**
 * The tile blur's memory and its SIMD column sums (wasm/column-sums.wat, f64x2): one
 * WebAssembly memory holds every buffer the vertical pass touches, so the sums run on it in
 * place. The same bits as the plain JavaScript columnSums (blur.ts), which stays as the
 * fallback where WebAssembly SIMD is missing or PALETTE_MASK_SIMD=0 (tests compare the two).
 */
import { blockSums, blurScratch, columnSums, dot, type BlockSums, type BlurScratch, type ColumnSums, type Dot } from './blur';
import { WASM_BASE64 } from './wasm/column-sums.wasm';

interface ColumnSumsExports {
  columnSums(src: number, c: number, up: number, down: number, k: number, r: number, x: number, e: number, dst: number, d: number): void;
  blockSums(src: number, c: number, k: number, r: number, rows: number, dst: number): void;
  dot(a: number, k: number, n: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** the compiled module, or null where WebAssembly SIMD is unavailable */
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** the tile scratch: sizes in elements */
export interface TileSizes {
  input: number;
  pass1: number;
  out: number;
  /** longest line (row or column) a pass reads */
  line: number;
  /** kernel weights (2r + 1) */
  weights: number;
  /** the block-sum path's values (coarse.ts); optional, 0 when absent */
  coarse?: number;
}

export interface TileBuffers {
  readonly input: Float64Array;
  readonly pass1: Float64Array;
  readonly out: Float64Array;
  readonly weights: Float64Array;
  readonly coarse: Float64Array;
  readonly scratch: BlurScratch;
}

const PAGE = 65536;

export class TileMemory {
  /** the column sums blurColumns should use with these buffers */
  readonly sums: ColumnSums;
  /** blockSums (blur.ts) or its SIMD twin, on these buffers */
  readonly blockSums: BlockSums;
  /** dot (blur.ts) or its SIMD twin, on these buffers */
  readonly dot: Dot;
  readonly simd: boolean;
  private memory: WebAssembly.Memory | null = null;
  private exports: ColumnSumsExports | null = null;
  private sizes: Required<TileSizes> = { input: 0, pass1: 0, out: 0, line: 0, weights: 0, coarse: 0 };
  private views: TileBuffers;

  constructor(useSimd = process.env.PALETTE_MASK_SIMD !== '0') {
    this.simd = useSimd && simdModule() !== null;
    if (this.simd) {
      this.instantiate();
      this.sums = (src, c, up, down, k, r, x, e, dst, d, upAt = 0, downAt = 0) => {
        this.exports!.columnSums(src.byteOffset, c, up.byteOffset + 4 * upAt, down.byteOffset + 4 * downAt, k.byteOffset + 8 * r, r, x, e,
          dst.byteOffset, d);
      };
      this.blockSums = (src, c, k, r, rows, dst) => {
        this.exports!.blockSums(src.byteOffset, c, k.byteOffset + 8 * r, r, rows, dst.byteOffset);
      };
      this.dot = (a, at, k, kAt, n) => this.exports!.dot(a.byteOffset + 8 * at, k.byteOffset + 8 * kAt, n);
    } else {
      this.sums = columnSums;
      this.blockSums = blockSums;
      this.dot = dot;
    }
    this.views = this.allocate(this.sizes);
  }

  /** bytes held */
  get bytes(): number {
    if (this.memory) return this.memory.buffer.byteLength;
    const v = this.views;
    const s = v.scratch;
    return v.input.byteLength + v.pass1.byteLength + v.out.byteLength + v.weights.byteLength +
      s.boundary.byteLength + s.delta.byteLength + s.direct.byteLength + s.changes.byteLength + s.up.byteLength + s.down.byteLength;
  }

  /** buffers of at least these sizes (views change when they grow) */
  buffers(need: TileSizes): TileBuffers {
    const s = this.sizes;
    const coarse = need.coarse ?? 0;
    if (need.input > s.input || need.pass1 > s.pass1 || need.out > s.out || need.line > s.line || need.weights > s.weights || coarse > s.coarse) {
      this.sizes = {
        input: Math.max(need.input, s.input), pass1: Math.max(need.pass1, s.pass1), out: Math.max(need.out, s.out),
        line: Math.max(need.line, s.line), weights: Math.max(need.weights, s.weights), coarse: Math.max(coarse, s.coarse),
      };
      this.views = this.allocate(this.sizes);
    }
    return this.views;
  }

  /** Frees the buffers when they hold more than `limit` bytes (after a very large blur radius). */
  trim(limit: number): void {
    if (this.bytes <= limit) return;
    this.sizes = { input: 0, pass1: 0, out: 0, line: 0, weights: 0, coarse: 0 };
    // a WebAssembly memory cannot shrink: start a new one
    if (this.simd) this.instantiate();
    this.views = this.allocate(this.sizes);
  }

  private instantiate(): void {
    const memory = new WebAssembly.Memory({ initial: 1 });
    this.exports = new WebAssembly.Instance(simdModule()!, { env: { memory } }).exports as unknown as ColumnSumsExports;
    this.memory = memory;
  }

  private allocate(z: Required<TileSizes>): TileBuffers {
    const mem = this.memory;
    if (!mem) {
      return {
        input: new Float64Array(z.input), pass1: new Float64Array(z.pass1), out: new Float64Array(z.out), weights: new Float64Array(z.weights),
        coarse: new Float64Array(z.coarse), scratch: blurScratch(z.line),
      };
    }
    // f64 arrays first (8-byte aligned), then the i32 and u8 ones
    const n = z.line;
    const f64 = [z.input, z.pass1, z.out, z.weights, z.coarse, n + 1];
    const i32 = [n + 1, n, n + 1, n + 1];
    const bytes = 8 * f64.reduce((a, b) => a + b, 0) + 4 * i32.reduce((a, b) => a + b, 0) + n + 4;
    const have = mem.buffer.byteLength;
    if (bytes > have) mem.grow(Math.ceil((bytes - have) / PAGE));
    const buf = mem.buffer;
    let at = 0;
    const f = (len: number) => {
      const v = new Float64Array(buf, at, len);
      at += 8 * len;
      return v;
    };
    const i = (len: number) => {
      const v = new Int32Array(buf, at, len);
      at += 4 * len;
      return v;
    };
    const input = f(z.input), pass1 = f(z.pass1), out = f(z.out), weights = f(z.weights), coarse = f(z.coarse), delta = f(n + 1);
    const boundary = i(n + 1), changes = i(n), up = i(n + 1), down = i(n + 1);
    const direct = new Uint8Array(buf, at, n + 4);
    return { input, pass1, out, weights, coarse, scratch: { boundary, delta, direct, changes, up, down } };
  }
}
