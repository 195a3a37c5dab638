import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApi } from '../../src/main/api/handlers'
import type { ModelInfo } from '../../src/shared/api'
import type { AppContext } from '../../src/main/jobs/context'
import { openDatabase } from '../../src/main/store/database'
import { modelsDir, sampleDir } from '../support/shared'

const temp = () => mkdtempSync(join(tmpdir(), 'facemark-models-api-'))
const photo = join(sampleDir, 'train/images/1--Handshaking/1_Handshaking_Handshaking_1_885.jpg')

function context(dataDir: string): AppContext {
  const db = openDatabase(':memory:')
  return {
    db,
    modelDirs: { modelsDir, dataDir },
    detector: () => {
      throw new Error('no detector in this test')
    },
    close: async () => {
      db.close()
    },
  }
}

describe('when the Models page talks to the API', () => {
  it('lists the shipped models from the shared folder and adds a user model', async () => {
    const dataDir = temp()
    const api = createApi(context(dataDir))
    const listed = await api.dispatch('models/list', {})
    expect(listed.ok && listed.value).toMatchObject([
      { id: 'retinaface-mnet025-dynamic', state: 'verified', inputSize: 'any', installable: true },
      { id: 'retinaface-mnet025', state: 'verified', inputSize: '640x640', selected: false },
    ])

    const added = await api.dispatch('models/add', {
      file: join(modelsDir, 'retinaface-mnet025-dynamic.onnx'),
      id: 'mine',
      sample: photo,
      mean: [104, 117, 123],
      minSizes: [
        [16, 32],
        [64, 128],
        [256, 512],
      ],
      steps: [8, 16, 32],
    })
    expect(added.ok).toBe(true)
    const used = await api.dispatch('models/use', { modelId: 'mine' })
    expect(used.ok && (used.value as ModelInfo[]).at(-1)).toMatchObject({
      id: 'mine',
      origin: 'user',
      state: 'verified',
      selected: true,
      installable: false,
    })
    api.close()
  })

  it('answers an unfit file with invalid_request and the reason', async () => {
    const file = join(temp(), 'junk.onnx')
    writeFileSync(file, 'junk')
    const api = createApi(context(temp()))
    const result = await api.dispatch('models/add', {
      file,
      id: 'junk',
      sample: photo,
      mean: [0, 0, 0],
    })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringContaining('is not an ONNX model') },
    })
  })
})
