/**
 * Graph rewrite that makes a scalar-timestep UNet take one timestep per sample (issue 9,
 * defect 1). optimum ≥ 1.24 declares the UNet's `timestep` as a scalar and broadcasts it inside
 * the graph: `timestep → Unsqueeze(axes=[0]) → Cast… → Expand(batch)`. Declaring `timestep` as
 * `[batch]` (the `sample` input's own batch dimension) and bypassing that Unsqueeze feeds the
 * Expand a `[batch]` tensor, which it keeps as is: the whole stream batch, at different
 * timesteps, goes through one call. Anything else reading the scalar, or a chain that is not
 * Cast/Identity up to an Expand, is not recognised: the graph is left alone and the reason
 * is returned, so the engine keeps one call per timestep and says why.
 *
 * Only node, input and value_info records are decoded and re-encoded; initializers are copied
 * as bytes, so external-data references (model.onnx_data, weights.pb) stay exactly as they were.
 */
import { onnx } from 'onnx-proto';
// the skeleton reader is plain file parsing (no onnxruntime), shared with the model list
import { readOnnxGraphSkeleton } from '../../model-manager/onnx-header';
import { type FieldSpan, WIRE_LEN, concatBytes, lengthDelimited, scanFields } from './protobuf-fields';

export const BATCH_TIMESTEP_REWRITE = 'batch-timestep-v1';

const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const TENSOR_NAME = 8;
const INT64 = onnx.TensorProto.DataType.INT64;
const INT32 = onnx.TensorProto.DataType.INT32;

export type BatchTimestepOutcome =
  | { readonly status: 'rewritten'; readonly bytes: Uint8Array; readonly note: string }
  | { readonly status: 'unchanged' | 'unrecognised'; readonly note: string };

const utf8 = new TextDecoder();

function intValues(t: onnx.ITensorProto): number[] | undefined {
  if (t.dataType !== INT64 && t.dataType !== INT32) return undefined;
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const size = t.dataType === INT64 ? 8 : 4;
    return Array.from({ length: raw.length / size }, (_, i) => (size === 8 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true)));
  }
  const list = t.dataType === INT64 ? t.int64Data : t.int32Data;
  return (list ?? []).map((v) => Number(v));
}

interface Decoded<T> {
  readonly span: FieldSpan;
  readonly value: T;
}

/** Rewrites the model bytes, or says why it does not. Never throws for a valid ONNX file. */
export function batchTimestep(model: Uint8Array): BatchTimestepOutcome {
  const top = scanFields(model);
  const graphSpan = top.find((f) => f.field === MODEL_GRAPH && f.wire === WIRE_LEN);
  if (!graphSpan) return { status: 'unrecognised', note: 'the file has no graph' };
  const fields = scanFields(model, graphSpan.payloadStart, graphSpan.end);
  const decode = <T>(field: number, decoder: (b: Uint8Array) => T): Decoded<T>[] =>
    fields.filter((f) => f.field === field && f.wire === WIRE_LEN).map((span) => ({ span, value: decoder(model.subarray(span.payloadStart, span.end)) }));
  const nodes = decode(GRAPH.node, (b) => onnx.NodeProto.decode(b));
  const inputs = decode(GRAPH.input, (b) => onnx.ValueInfoProto.decode(b));
  const outputs = decode(GRAPH.output, (b) => onnx.ValueInfoProto.decode(b));
  const valueInfos = decode(GRAPH.valueInfo, (b) => onnx.ValueInfoProto.decode(b));

  const timestep = inputs.find((i) => i.value.name === 'timestep');
  if (!timestep) return { status: 'unrecognised', note: 'the graph has no timestep input' };
  const rank = timestep.value.type?.tensorType?.shape?.dim?.length;
  if (rank === undefined) return { status: 'unrecognised', note: 'timestep has no declared shape' };
  if (rank !== 0) return { status: 'unchanged', note: `timestep is already declared with rank ${rank}` };
  const batchDim = inputs.find((i) => i.value.name === 'sample')?.value.type?.tensorType?.shape?.dim?.[0];
  if (!batchDim) return { status: 'unrecognised', note: 'the sample input declares no batch dimension' };
  if (outputs.some((o) => o.value.name === 'timestep')) return { status: 'unrecognised', note: 'timestep is also a graph output' };

  const consumers = new Map<string, Decoded<onnx.NodeProto>[]>();
  const producer = new Map<string, Decoded<onnx.NodeProto>>();
  for (const n of nodes) {
    for (const i of n.value.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    for (const o of n.value.output) producer.set(o, n);
  }
  const graphOutputs = new Set(outputs.map((o) => o.value.name));
  const describe = (n: onnx.NodeProto): string => `${n.opType} node ${n.name || n.output[0]}`;

  const constantInts = (name: string): number[] | undefined => {
    const p = producer.get(name)?.value;
    if (p) {
      if (p.opType !== 'Constant') return undefined;
      const a = p.attribute.find((x) => x.name === 'value' || x.name === 'value_ints');
      if (!a) return undefined;
      return a.name === 'value_ints' ? (a.ints ?? []).map((v) => Number(v)) : a.t ? intValues(a.t) : undefined;
    }
    for (const f of fields) {
      if (f.field !== GRAPH.initializer || f.wire !== WIRE_LEN) continue;
      const nameField = scanFields(model, f.payloadStart, f.end).find((x) => x.field === TENSOR_NAME && x.wire === WIRE_LEN);
      if (nameField && utf8.decode(model.subarray(nameField.payloadStart, nameField.end)) === name) {
        return intValues(onnx.TensorProto.decode(model.subarray(f.payloadStart, f.end)));
      }
    }
    return undefined;
  };

  const readers = consumers.get('timestep') ?? [];
  if (readers.length === 0) return { status: 'unrecognised', note: 'nothing in the graph reads timestep' };
  const bypassed = new Set<Decoded<onnx.NodeProto>>();
  /** tensors between the Unsqueeze and the Expand: their declared shapes would now be wrong */
  const reshaped = new Set<string>();
  for (const reader of readers) {
    const n = reader.value;
    if (n.opType !== 'Unsqueeze' || n.input[0] !== 'timestep') {
      return { status: 'unrecognised', note: `timestep feeds ${describe(n)}, not an Unsqueeze(axes=[0])` };
    }
    const axes = n.input.length > 1 ? constantInts(n.input[1]) : n.attribute.find((a) => a.name === 'axes')?.ints?.map((v) => Number(v));
    if (!axes || axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -1)) {
      return { status: 'unrecognised', note: `${describe(n)} does not add one leading axis (axes ${axes ? `[${axes.join(',')}]` : 'not a constant'})` };
    }
    // follow the single-consumer chain Cast/Identity… down to the Expand that broadcasts over the batch
    let tensor = n.output[0];
    for (;;) {
      if (graphOutputs.has(tensor)) return { status: 'unrecognised', note: `${tensor} (the unsqueezed timestep) is a graph output` };
      const next = consumers.get(tensor) ?? [];
      if (next.length !== 1) {
        return { status: 'unrecognised', note: `the unsqueezed timestep ${tensor} is read by ${next.length} nodes, expected one chain to an Expand` };
      }
      const m = next[0].value;
      if (m.opType === 'Expand' && m.input[0] === tensor) break;
      if ((m.opType !== 'Cast' && m.opType !== 'Identity') || m.input[0] !== tensor) {
        return { status: 'unrecognised', note: `the unsqueezed timestep reaches ${describe(m)} before any Expand over the batch` };
      }
      reshaped.add(tensor);
      tensor = m.output[0];
    }
    reshaped.add(tensor);
    bypassed.add(reader);
  }

  // the axes constants only the bypassed Unsqueezes read go too (onnxruntime would warn about them)
  const orphans = new Set<Decoded<onnx.NodeProto>>();
  for (const b of bypassed) {
    const axesNode = b.value.input.length > 1 ? producer.get(b.value.input[1]) : undefined;
    const axes = b.value.input[1];
    if (axesNode && !graphOutputs.has(axes) && (consumers.get(axes) ?? []).every((c) => bypassed.has(c))) orphans.add(axesNode);
  }
  const rename = (n: onnx.NodeProto): onnx.NodeProto => {
    const copy = onnx.NodeProto.decode(onnx.NodeProto.encode(n).finish());
    copy.input = n.input.map((i) => ([...bypassed].some((b) => b.value.output[0] === i) ? 'timestep' : i));
    return copy;
  };
  const batchTimestepInput = onnx.ValueInfoProto.decode(onnx.ValueInfoProto.encode(timestep.value).finish());
  batchTimestepInput.type!.tensorType!.shape!.dim = [onnx.TensorShapeProto.Dimension.decode(onnx.TensorShapeProto.Dimension.encode(batchDim).finish())];

  const pieces: Uint8Array[] = [];
  for (const f of fields) {
    const original = model.subarray(f.start, f.end);
    const node = f.field === GRAPH.node ? nodes.find((x) => x.span === f) : undefined;
    if (node) {
      if (bypassed.has(node) || orphans.has(node)) continue;
      const touches = node.value.input.some((i) => [...bypassed].some((b) => b.value.output[0] === i));
      pieces.push(...(touches ? lengthDelimited(GRAPH.node, [onnx.NodeProto.encode(rename(node.value)).finish()]) : [original]));
    } else if (f === timestep.span) {
      pieces.push(...lengthDelimited(GRAPH.input, [onnx.ValueInfoProto.encode(batchTimestepInput).finish()]));
    } else if (f.field === GRAPH.valueInfo && valueInfos.some((v) => v.span === f && reshaped.has(v.value.name))) {
      continue;
    } else {
      pieces.push(original);
    }
  }
  const graph = lengthDelimited(MODEL_GRAPH, pieces);
  const bytes = concatBytes([model.subarray(0, graphSpan.start), ...graph, model.subarray(graphSpan.end)]);
  const names = [...bypassed].map((b) => b.value.name || b.value.output[0]).join(', ');
  return { status: 'rewritten', bytes, note: `timestep declared [${batchDim.dimParam || String(batchDim.dimValue)}], ${names} bypassed` };
}

/**
 * The rewrite as the session layer applies it at load (cached with the optimized model). The
 * pattern check runs first on the graph without its big weights, so a UNet that needs no
 * rewrite (a `[batch]` timestep) is never read into memory whole.
 */
export const batchTimestepRewrite = {
  id: BATCH_TIMESTEP_REWRITE,
  apply: batchTimestep,
  precheck: async (modelPath: string): Promise<BatchTimestepOutcome> => batchTimestep(await readOnnxGraphSkeleton(modelPath)),
} as const;
