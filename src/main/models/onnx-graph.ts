import { readFile } from 'node:fs/promises'
import onnxProto from 'onnx-proto'

/** The generated ONNX protobuf classes (onnx-proto, schema of ONNX 1.10, IR 8). */
export const onnx = onnxProto.onnx
export type OnnxModel = onnxProto.onnx.ModelProto
export type OnnxGraph = onnxProto.onnx.GraphProto
export type OnnxNode = onnxProto.onnx.INodeProto

/**
 * The graph of a decoded model. Decoding yields class instances whose repeated fields are
 * always arrays, which the generated interface types do not say.
 */
export function graphOf(model: OnnxModel): OnnxGraph {
  if (!model.graph) throw new Error('the model holds no graph')
  return model.graph as OnnxGraph
}

/** One declared tensor of a graph: a dimension is a number, a symbolic name, or null. */
export interface TensorDecl {
  name: string
  elementType: string
  dims: (number | string | null)[]
}

/** Parse a model file; a file that is not ONNX protobuf throws with the path in the message. */
export async function readOnnx(path: string): Promise<OnnxModel> {
  const bytes = await readFile(path)
  try {
    const model = onnx.ModelProto.decode(bytes)
    if (graphOf(model).node.length === 0) throw new Error('its graph is empty')
    return model
  } catch (error) {
    throw new Error(`${path} is not an ONNX model: ${(error as Error).message}`)
  }
}

/** Serialise a model back to protobuf bytes. */
export function encodeOnnx(model: OnnxModel): Buffer {
  return Buffer.from(onnx.ModelProto.encode(model).finish())
}

/**
 * The graph's real inputs and its outputs as declared. Initializers may also be listed as
 * inputs (older exporters do that), so they are left out.
 */
export function declaredIo(model: OnnxModel): { inputs: TensorDecl[]; outputs: TensorDecl[] } {
  const graph = graphOf(model)
  const weights = new Set(graph.initializer.map((t) => t.name))
  const describe = (value: onnxProto.onnx.IValueInfoProto): TensorDecl => {
    const tensor = value.type?.tensorType
    const type = onnx.TensorProto.DataType[tensor?.elemType ?? 0] ?? 'UNDEFINED'
    const dims = (tensor?.shape?.dim ?? []).map((d) =>
      d.dimParam ? d.dimParam : d.dimValue != null ? Number(d.dimValue) : null,
    )
    return { name: value.name ?? '', elementType: String(type), dims }
  }

  return {
    inputs: graph.input.filter((v) => !weights.has(v.name ?? '')).map(describe),
    outputs: graph.output.map(describe),
  }
}

/** Replace dimension `index` of a declared tensor with a symbolic name. */
export function setSymbolicDim(value: onnxProto.onnx.IValueInfoProto, index: number, name: string) {
  const dims = value.type?.tensorType?.shape?.dim
  if (!dims || !dims[index]) throw new Error(`${value.name} has no dimension ${index}`)
  // A fresh Dimension, because dim_value and dim_param share a oneof in the schema.
  dims[index] = onnx.TensorShapeProto.Dimension.create({ dimParam: name })
}

/** A 1-D int64 initializer (Slice starts/ends/axes). */
export function int64Initializer(name: string, values: number[]): onnxProto.onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dataType: onnx.TensorProto.DataType.INT64,
    dims: [values.length],
    int64Data: values,
  })
}

/** The values of a Constant node's int64 tensor, whether stored as raw bytes or int64_data. */
export function constantInts(node: OnnxNode): number[] | null {
  const tensor = node.attribute?.find((a) => a.name === 'value')?.t
  if (!tensor || tensor.dataType !== onnx.TensorProto.DataType.INT64) return null
  if (tensor.int64Data && tensor.int64Data.length > 0) return tensor.int64Data.map(Number)

  const raw = Buffer.from(tensor.rawData ?? [])
  const out: number[] = []
  for (let o = 0; o + 8 <= raw.length; o += 8) out.push(Number(raw.readBigInt64LE(o)))
  return out
}
