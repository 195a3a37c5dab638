import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Detector } from '../../src/main/detect/detector'
import { createAppContext } from '../../src/main/jobs/context'
import { listModelStatus, locateModel } from '../../src/main/models/catalog'
import { selectModel } from '../../src/main/models/manage'
import { encodeOnnx, onnx } from '../../src/main/models/onnx-graph'
import { readRegistry } from '../../src/main/models/registry'
import { inspectModel } from '../../src/main/models/user-inspect'
import { addUserModel, type AddModelRequest } from '../../src/main/models/user-model'
import { modelsDir, sampleDir } from '../support/shared'

const temp = () => mkdtempSync(join(tmpdir(), 'facemark-user-'))
const photo = join(sampleDir, 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg')
const retinaface: Omit<AddModelRequest, 'file' | 'id'> = {
  sample: photo,
  mean: [104, 117, 123],
  minSizes: [
    [16, 32],
    [64, 128],
    [256, 512],
  ],
  steps: [8, 16, 32],
}

/** A one-node graph: a 1x3x64x64 image pooled to [1, 3, 1, 1], which no detector layout fits. */
function unfitModel(): string {
  const tensor = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: dims.map((d) => ({ dimValue: d })) },
        },
      },
    })
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ version: 17 }],
    graph: {
      name: 'pooled',
      node: [{ opType: 'GlobalAveragePool', input: ['image'], output: ['pooled'] }],
      input: [tensor('image', [1, 3, 64, 64])],
      output: [tensor('pooled', [1, 3, 1, 1])],
    },
  })
  const file = join(temp(), 'pooled.onnx')
  writeFileSync(file, encodeOnnx(model))
  return file
}

describe('when a user brings a RetinaFace-layout model', () => {
  it('reads the declared interface and what it still needs', async () => {
    const inspection = await inspectModel(join(modelsDir, 'retinaface-mnet025.onnx'))
    expect(inspection).toMatchObject({
      family: 'retinaface',
      fixedSize: { width: 640, height: 640 },
      retinaface: { loc: 'output0', conf: 'output1', landmarks: 'output2' },
      needs: ['mean', 'minSizes', 'steps'],
    })
  })

  it('registers the fixed export, validates it on the photo and detects with it', async () => {
    const dataDir = temp()
    const file = join(modelsDir, 'retinaface-mnet025.onnx')
    const { manifest, faces } = await addUserModel({ ...retinaface, file, id: 'my-r50' }, dataDir)
    expect(faces).toBe(3)
    expect(manifest).toMatchObject({
      family: 'retinaface',
      file: 'my-r50.onnx',
      sha256: 'e0e19bad8494b3f7a7edb39a90194ff055923e13a3453569a454386f857fe538',
      input: { size: { kind: 'fixed', width: 640, height: 640 }, channelOrder: 'BGR' },
    })
    expect(readRegistry(dataDir).user.map((m) => m.id)).toEqual(['my-r50'])
    expect((await listModelStatus({ dataDir })).at(-1)).toMatchObject({
      origin: 'user',
      state: 'verified',
    })

    const located = await locateModel('my-r50', { modelsDir: temp(), dataDir })
    const detector = new Detector({ modelsDir: temp(), dataDir })
    const { result } = await detector.detectFile(photo, { mode: 'letterbox', model: 'my-r50' })
    expect(result.faces.filter((f) => f.score >= 0.5).map((f) => +f.score.toFixed(4))).toEqual([
      0.9995, 0.9969, 0.9944,
    ])
    expect(located.sha256).toBe(manifest.sha256)
    await expect(detector.detectFile(photo, { mode: 'native', model: 'my-r50' })).rejects.toThrow(
      'fixed 640x640 input, so it can only run in letterbox mode',
    )
  })

  it('records the chosen user model and its parameters with a run', async () => {
    const root = temp()
    const dataDir = join(root, 'models')
    const file = join(modelsDir, 'retinaface-mnet025-dynamic.onnx')
    await addUserModel({ ...retinaface, file, id: 'my-dynamic' }, dataDir)
    expect(await selectModel('my-dynamic', dataDir)).toBe('dynamic')

    const ctx = createAppContext({ dbFile: ':memory:', dataDir: root, workers: 1 })
    const detector = ctx.detector()
    const options = detector.options({ mode: 'native' })
    expect(options.model).toBe('my-dynamic')
    expect(options.modelParams).toMatchObject({
      family: 'retinaface',
      input: { mean: [104, 117, 123], size: { kind: 'dynamic', stride: 32 } },
      priors: { steps: [8, 16, 32] },
    })
    expect(await detector.model('native')).toEqual({
      id: 'my-dynamic',
      sha256: '53f0147c5d6d85e26a8f5fa5d2d07d745da8142a3202f80176d0a8a75bc96552',
    })
    await ctx.close()
  })

  it('refuses priors that do not give the rows the model outputs', async () => {
    const file = join(modelsDir, 'retinaface-mnet025.onnx')
    const request = { ...retinaface, file, id: 'bad-priors', minSizes: [[16], [64], [256]] }
    await expect(addUserModel(request, temp())).rejects.toThrow(
      'output0 has 16800 rows at 640x640, but the priors (min sizes [[16],[64],[256]], steps ' +
        '8,16,32) give 8400; check --min-sizes and --steps',
    )
  })

  it('asks for the priors when they are not given', async () => {
    const file = join(modelsDir, 'retinaface-mnet025.onnx')
    const request = { sample: photo, mean: [104, 117, 123], file, id: 'no-priors' }
    await expect(addUserModel(request, temp())).rejects.toThrow(
      'retinaface models need prior sizes, which the file does not declare; give --min-sizes',
    )
  })
})

describe('when a file fits no detector layout', () => {
  it('refuses it, naming the outputs found', async () => {
    const request = { ...retinaface, file: unfitModel(), id: 'pooled' }
    await expect(addUserModel(request, temp())).rejects.toThrow(
      /RetinaFace layout .* or SCRFD layout .*; found pooled \[1, 3, 1, 1\]$/,
    )
  })

  it('refuses a file that is not ONNX', async () => {
    const file = join(temp(), 'notes.onnx')
    writeFileSync(file, 'hello')
    await expect(inspectModel(file)).rejects.toThrow(`${file} is not an ONNX model`)
  })
})
