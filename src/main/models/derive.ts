import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '../log'
import {
  constantInts,
  encodeOnnx,
  graphOf,
  int64Initializer,
  onnx,
  readOnnx,
  setSymbolicDim,
  type OnnxModel,
  type OnnxNode,
} from './onnx-graph'
import type { ModelManifest } from './manifest'
import { updateRegistry, type DerivedRecord } from './registry'
import { sha256File } from './verify'
import { verifyDerived, type DerivedCheck } from './derive-check'

const log = logger('models')

/** Named in the registry so a later tool change can tell which derivations it made. */
export const DERIVE_TOOL = 'facemark derive (onnx-proto 8.0.1)'

/**
 * Make the fixed-size RetinaFace export run at any size, in place:
 * 1. `input0` becomes [1, 3, height, width] and dim 1 of every output `num_priors`;
 * 2. each FPN upsampling Resize whose target size is `Concat(Slice(Shape(x)), Constant[h, w])`
 *    gets `Shape(lateral) -> Slice[2:4]` instead of the constant, where `lateral` is the
 *    other input of the Add that consumes the Resize: tracing at 640 baked 40x40 and 80x80
 *    in, and any other size then fails to broadcast in that Add;
 * 3. stale shape annotations from the trace are dropped.
 *
 * @returns the number of Resize nodes rewired (the mnet025 export has two).
 */
export function makeDynamic(model: OnnxModel): number {
  const graph = graphOf(model)
  const producer = new Map<string, OnnxNode>()
  for (const node of graph.node) for (const out of node.output ?? []) producer.set(out, node)
  const consumers = (name: string) => graph.node.filter((n) => n.input?.includes(name))

  const [input] = graph.input
  setSymbolicDim(input, 2, 'height')
  setSymbolicDim(input, 3, 'width')
  for (const output of graph.output) setSymbolicDim(output, 1, 'num_priors')

  graph.initializer.push(
    int64Initializer('facemark_hw_start', [2]),
    int64Initializer('facemark_hw_end', [4]),
    int64Initializer('facemark_hw_axes', [0]),
  )

  let rewired = 0
  for (const resize of graph.node.filter((n) => n.opType === 'Resize')) {
    const concat = producer.get(resize.input?.[3] ?? '')
    if (concat?.opType !== 'Concat') continue
    const constantAt = concat.input!.findIndex((name) => {
      const node = producer.get(name)
      return node?.opType === 'Constant' && constantInts(node)?.length === 2
    })
    const add = consumers(resize.output![0]).find((n) => n.opType === 'Add')
    const lateral = add?.input?.find((name) => name !== resize.output![0])
    if (constantAt < 0 || !lateral) continue

    const tag = `facemark_${rewired}`
    const shape = onnx.NodeProto.create({
      name: `${tag}_Shape`,
      opType: 'Shape',
      input: [lateral],
      output: [`${tag}_shape`],
    })
    const slice = onnx.NodeProto.create({
      name: `${tag}_Slice`,
      opType: 'Slice',
      input: [`${tag}_shape`, 'facemark_hw_start', 'facemark_hw_end', 'facemark_hw_axes'],
      output: [`${tag}_hw`],
    })
    const constant = producer.get(concat.input![constantAt])!
    concat.input![constantAt] = `${tag}_hw`

    graph.node.push(shape, slice)
    if (consumers(constant.output![0]).length === 0)
      graph.node.splice(graph.node.indexOf(constant), 1)
    rewired++
  }

  graph.node = topologicalOrder(graph.node, new Set(graph.input.map((v) => v.name ?? '')))
  graph.valueInfo = []
  return rewired
}

/**
 * Nodes reordered so each comes after the producers of its inputs, as the ONNX spec requires;
 * stable, so an already ordered graph keeps its order. Names not produced by any node are
 * graph inputs or initializers.
 */
function topologicalOrder(nodes: OnnxNode[], graphInputs: Set<string>): OnnxNode[] {
  const produced = new Set(nodes.flatMap((n) => n.output ?? []))
  const ready = new Set(graphInputs)
  const pending = [...nodes]
  const ordered: OnnxNode[] = []

  while (pending.length > 0) {
    const index = pending.findIndex((n) =>
      (n.input ?? []).every((name) => !name || ready.has(name) || !produced.has(name)),
    )
    if (index < 0) throw new Error('the graph has a cycle')
    const [node] = pending.splice(index, 1)
    ordered.push(node)
    for (const out of node.output ?? []) ready.add(out)
  }
  return ordered
}

/**
 * Derive `child` from the verified `parentPath` into `dataDir`, check it against the parent
 * by running both, and record its own sha256 in the registry. The derived file is written
 * next to a `.part` first so a crash never leaves a half-written model in place.
 */
export async function deriveModel(
  parent: ModelManifest,
  child: ModelManifest,
  parentPath: string,
  dataDir: string,
  checkImage?: string,
): Promise<{ path: string; record: DerivedRecord; check: DerivedCheck }> {
  const model = await readOnnx(parentPath)
  const rewired = makeDynamic(model)
  if (rewired !== 2) {
    throw new Error(
      `${parent.file} does not have the expected FPN layout (found ${rewired} of 2 ` +
        'Resize nodes with a constant target size); it cannot be made dynamic',
    )
  }
  model.docString =
    `Derived by facemark from ${parent.file} (sha256 ${parent.sha256}). ` +
    (child.source.derivedFrom?.edit ?? '')

  const path = join(dataDir, child.file)
  const part = `${path}.part`
  const bytes = encodeOnnx(model)
  // On a fresh machine the parent may come from FACE_MODELS_DIR and nothing made this folder.
  await mkdir(dataDir, { recursive: true })
  await writeFile(part, bytes)
  let check: DerivedCheck
  try {
    check = await verifyDerived(parentPath, part, checkImage)
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
  await rename(part, path)

  const record: DerivedRecord = {
    file: child.file,
    sha256: await sha256File(path),
    bytes: bytes.length,
    fromSha256: parent.sha256,
    tool: DERIVE_TOOL,
    derivedAt: new Date().toISOString(),
    check: { ...check },
  }
  await updateRegistry(dataDir, (registry) => {
    registry.derived[child.id] = record
  })
  log.info(`derived ${child.id} (sha256 ${record.sha256}) from ${parent.id}`)
  return { path, record, check }
}
