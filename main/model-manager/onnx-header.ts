/**
 * The graph inputs of an ONNX file (names, element types, shapes) read straight from the
 * protobuf, skipping node and weight records by their length prefixes. A 1.7 GB UNet is
 * described in milliseconds without loading it — what a model list needs; creating an
 * onnxruntime session would load every weight.
 */
import { promises as fsp } from 'node:fs';
import { encodeVarint } from '../engine/runtime/protobuf-fields';

/** Same shape as the runtime's TensorInfo, so the engine's validation can read it. */
export interface OnnxInputInfo {
  name: string;
  /** ONNX TensorProto.DataType name: "float32", "float16", "int64", … */
  type: string;
  /** a number, or the symbolic name of a free dimension ("batch"); [] is a scalar */
  shape: Array<number | string>;
}

export interface OnnxSignature {
  inputs: OnnxInputInfo[];
  outputs: OnnxInputInfo[];
}

const ELEM_TYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

const WINDOW = 1 << 16;

/** Sequential protobuf reading over a file, with a moving window instead of the whole file. */
class FileCursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;
  constructor(private readonly fh: fsp.FileHandle, readonly size: number) {}

  private async ensure(n: number): Promise<void> {
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return;
    const want = Math.max(n, WINDOW);
    const b = Buffer.alloc(Math.max(0, Math.min(want, this.size - this.pos)));
    const { bytesRead } = await this.fh.read(b, 0, b.length, this.pos);
    this.buf = b.subarray(0, bytesRead);
    this.bufStart = this.pos;
    if (bytesRead < n) throw new Error('truncated ONNX file');
  }

  async varint(): Promise<number> {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      await this.ensure(1);
      const byte = this.buf[this.pos - this.bufStart];
      this.pos++;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error('bad varint in ONNX file');
  }

  async bytes(n: number): Promise<Buffer> {
    await this.ensure(n);
    const out = this.buf.subarray(this.pos - this.bufStart, this.pos - this.bufStart + n);
    this.pos += n;
    return out;
  }

  /** Skip a field's value given its wire type. */
  async skip(wire: number): Promise<void> {
    if (wire === 0) await this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const n = await this.varint(); // read before touching pos: `pos += await …` would use the old pos
      this.pos += n;
    }
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

/** Fields of an in-memory protobuf message, as (field, wire, value) triples. */
function* fields(b: Buffer): Generator<{ field: number; wire: number; value: number | Buffer }> {
  let p = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = b[p++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80 || p >= b.length) return result;
      scale *= 128;
    }
  };
  while (p < b.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 2) {
      const n = varint();
      yield { field, wire, value: b.subarray(p, p + n) };
      p += n;
    } else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else return;
  }
}

function decodeValueInfo(b: Buffer): OnnxInputInfo {
  const info: OnnxInputInfo = { name: '', type: 'unknown', shape: [] };
  for (const f of fields(b)) {
    if (f.field === 1 && Buffer.isBuffer(f.value)) info.name = f.value.toString('utf8');
    if (f.field !== 2 || !Buffer.isBuffer(f.value)) continue;
    for (const t of fields(f.value)) {
      if (t.field !== 1 || !Buffer.isBuffer(t.value)) continue; // tensor_type
      for (const tt of fields(t.value)) {
        if (tt.field === 1 && typeof tt.value === 'number') info.type = ELEM_TYPES[tt.value] ?? `type${tt.value}`;
        if (tt.field === 2 && Buffer.isBuffer(tt.value)) {
          for (const dim of fields(tt.value)) {
            if (dim.field !== 1 || !Buffer.isBuffer(dim.value)) continue;
            let d: number | string = '?';
            for (const dv of fields(dim.value)) {
              if (dv.field === 1 && typeof dv.value === 'number') d = dv.value;
              if (dv.field === 2 && Buffer.isBuffer(dv.value)) d = dv.value.toString('utf8');
            }
            info.shape.push(d);
          }
        }
      }
    }
  }
  return info;
}

/** The declared graph inputs of an ONNX model file (initializers listed as inputs excluded). */
export async function readOnnxInputs(file: string): Promise<OnnxInputInfo[]> {
  return (await readOnnxSignature(file)).inputs;
}

/** Declared graph inputs (initializers listed as inputs excluded) and outputs. */
export async function readOnnxSignature(file: string): Promise<OnnxSignature> {
  const fh = await fsp.open(file, 'r');
  try {
    const cursor = new FileCursor(fh, (await fh.stat()).size);
    const inputs: OnnxInputInfo[] = [];
    const outputs: OnnxInputInfo[] = [];
    const initializers = new Set<string>();
    while (cursor.pos < cursor.size) {
      const tag = await cursor.varint();
      if (tag >>> 3 !== 7 || (tag & 7) !== 2) {
        await cursor.skip(tag & 7);
        continue;
      }
      const graphLength = await cursor.varint();
      const end = cursor.pos + graphLength;
      while (cursor.pos < end) {
        const gtag = await cursor.varint();
        const field = gtag >>> 3;
        if ((gtag & 7) === 2 && (field === 11 || field === 12 || field === 5)) {
          const len = await cursor.varint();
          if (field === 11) inputs.push(decodeValueInfo(Buffer.from(await cursor.bytes(len))));
          else if (field === 12) outputs.push(decodeValueInfo(Buffer.from(await cursor.bytes(len))));
          else {
            // Only the initializer's name (field 8) matters; it precedes no large data we need.
            const start = cursor.pos;
            const head = await cursor.bytes(Math.min(len, 4096));
            for (const f of fields(head)) if (f.field === 8 && Buffer.isBuffer(f.value)) initializers.add(f.value.toString('utf8'));
            cursor.pos = start + len;
          }
        } else await cursor.skip(gtag & 7);
      }
      break;
    }
    return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
  } finally {
    await fh.close();
  }
}

/**
 * The model's graph without its big initializers (those over `maxInitializerBytes`), as a
 * ModelProto holding only that graph: every node, input, output and small constant, for graph
 * analyses (the batch-timestep rewrite's pattern check) that must not read gigabytes of weights.
 */
export async function readOnnxGraphSkeleton(file: string, maxInitializerBytes = 64 * 1024): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const cursor = new FileCursor(fh, (await fh.stat()).size);
    const kept: Buffer[] = [];
    while (cursor.pos < cursor.size) {
      const tag = await cursor.varint();
      if (tag >>> 3 !== 7 || (tag & 7) !== 2) {
        await cursor.skip(tag & 7);
        continue;
      }
      const end = (await cursor.varint()) + cursor.pos;
      while (cursor.pos < end) {
        const start = cursor.pos;
        const gtag = await cursor.varint();
        if ((gtag & 7) !== 2) {
          await cursor.skip(gtag & 7);
          continue;
        }
        const len = await cursor.varint();
        if (gtag >>> 3 === 5 && len > maxInitializerBytes) {
          cursor.pos += len;
          continue;
        }
        const headLength = cursor.pos - start;
        cursor.pos = start;
        kept.push(Buffer.from(await cursor.bytes(headLength + len)));
      }
      break;
    }
    const graph = Buffer.concat(kept);
    return Buffer.concat([encodeVarint((7 << 3) | 2), encodeVarint(graph.length), graph]);
  } finally {
    await fh.close();
  }
}
