import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getManifest } from '../../src/main/models/manifest'
import { ModelUnavailableError, resolveModelFile } from '../../src/main/models/resolve'
import { modelsDir } from '../detect/helpers'

const manifest = getManifest('retinaface-mnet025')
const temp = () => mkdtempSync(join(tmpdir(), 'facemark-models-'))

describe('resolveModelFile', () => {
  it('returns the verified file from the models folder', async () => {
    const path = await resolveModelFile(manifest, { modelsDir, dataDir: temp() })
    expect(path).toBe(join(modelsDir, manifest.file))
  })

  it('falls back to the data folder', async () => {
    const data = temp()
    copyFileSync(join(modelsDir, manifest.file), join(data, manifest.file))
    expect(await resolveModelFile(manifest, { modelsDir: temp(), dataDir: data })).toBe(
      join(data, manifest.file),
    )
  })

  it('says what to do when the file is missing', async () => {
    const error = await resolveModelFile(manifest, { modelsDir: temp(), dataDir: temp() }).catch(
      (e) => e,
    )

    expect(error).toBeInstanceOf(ModelUnavailableError)
    expect(error.code).toBe('model')
    expect(error.message).toContain(
      'set FACE_MODELS_DIR to a folder holding retinaface-mnet025.onnx',
    )
    expect(error.message).toContain('facemark models install retinaface-mnet025')
    expect(error.message).toContain('not found')
  })

  it('refuses a file with the wrong sha256, giving expected and actual', async () => {
    const dir = temp()
    writeFileSync(join(dir, manifest.file), 'not a model')
    const error = await resolveModelFile(manifest, { modelsDir: dir, dataDir: temp() }).catch(
      (e) => e,
    )

    expect(error).toBeInstanceOf(ModelUnavailableError)
    expect(error.message).toContain(`expected ${manifest.sha256}`)
    // sha256 of the 11 bytes "not a model"
    expect(error.message).toMatch(/actual [0-9a-f]{64}/)
  })

  it('explains that the derived dynamic model cannot be downloaded', async () => {
    const dynamic = getManifest('retinaface-mnet025-dynamic')
    const error = await resolveModelFile(dynamic, {
      modelsDir: temp(),
      dataDir: temp(),
      allowDownload: true,
    }).catch((e) => e)
    expect(error.message).toContain('no download URL')
    expect(error.message).toContain('retinaface-mnet025-dynamic.onnx')
  })
})
