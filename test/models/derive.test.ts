import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeImage } from '../../src/main/detect/image'
import { prepareInput, type InputPlan } from '../../src/main/detect/preprocess'
import { runAll, withSession } from '../../src/main/detect/session'
import { deriveModel } from '../../src/main/models/derive'
import { getManifest } from '../../src/main/models/manifest'
import { declaredIo, readOnnx } from '../../src/main/models/onnx-graph'
import { modelsDir, sampleDir } from '../support/shared'

const fixed = getManifest('retinaface-mnet025')
const dynamic = getManifest('retinaface-mnet025-dynamic')
const photo = join(sampleDir, 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg')

/** Raw outputs of a model file on the photo stretched to a tensor of exactly w x h. */
async function outputsAt(file: string, width: number, height: number) {
  const image = await decodeImage(photo)
  const plan: InputPlan = {
    resizedWidth: width,
    resizedHeight: height,
    tensorWidth: width,
    tensorHeight: height,
    scale: width / image.width,
  }
  const tensor = await prepareInput(image.rgb, image.width, image.height, plan, dynamic.input.mean)
  return withSession(file, (session) => runAll(session, dynamic, tensor, width, height))
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)
}

describe('when deriving the dynamic model from the fixed export', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'facemark-derive-'))
  const { path, record, check } = await deriveModel(
    fixed,
    dynamic,
    join(modelsDir, fixed.file),
    dataDir,
    photo,
  )

  it('declares a symbolic input size and symbolic prior counts', async () => {
    const io = declaredIo(await readOnnx(path))
    expect(io.inputs).toEqual([
      { name: 'input0', elementType: 'FLOAT', dims: [1, 3, 'height', 'width'] },
    ])
    expect(io.outputs.map((o) => o.dims)).toEqual([
      [1, 'num_priors', 4],
      [1, 'num_priors', 2],
      [1, 'num_priors', 10],
    ])
    const graph = (await readOnnx(path)).graph!
    expect(graph.node!.length).toBe(193)
  })

  it('matches the fixed model exactly at 640x640 and finds the faces at other sizes', () => {
    expect(check.maxAbsDiffAt640).toBe(0)
    // The README's measurement: 4 detections >= 0.5 at native 1024x695 (3 faces + a shirt).
    expect(check.sizes).toEqual([
      { width: 1024, height: 695, rows: 29312, faces: 4 },
      { width: 641, height: 481, rows: 13096, faces: 3 },
    ])
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(record.sha256).not.toBe(dynamic.sha256)
  })

  it.each([
    [640, 640],
    [1024, 695],
    [641, 481],
  ])('gives the shared dynamic file its outputs at %ix%i', async (width, height) => {
    const ours = await outputsAt(path, width, height)
    const shared = await outputsAt(join(modelsDir, dynamic.file), width, height)
    for (const name of ['output0', 'output1', 'output2']) {
      expect(ours[name].dims).toEqual(shared[name].dims)
      expect(maxAbsDiff(ours[name].data, shared[name].data)).toBe(0)
    }
  })
})
