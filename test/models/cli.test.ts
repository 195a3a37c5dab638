import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getManifest } from '../../src/main/models/manifest'
import { facemark } from '../cli/run-cli'
import { modelsDir } from '../support/shared'

const fixed = getManifest('retinaface-mnet025')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'facemark-models-cli-'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A fresh machine: a data folder that does not exist yet, and a models folder of our own. */
function freshMachine(name: string, withFixedModel: boolean) {
  const models = join(dir, name, 'shared-models')
  mkdirSync(models, { recursive: true })
  if (withFixedModel) copyFileSync(join(modelsDir, fixed.file), join(models, fixed.file))
  const data = join(dir, name, 'data')
  return { data, env: { FACEMARK_DATA_DIR: data, FACE_MODELS_DIR: models } }
}

/** A URL on 127.0.0.1 where nothing listens any more: a download there fails at once. */
async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((done) => server.close(() => done()))
  return `http://127.0.0.1:${port}/${fixed.file}`
}

describe('when models are managed from the command line on a fresh machine', () => {
  it('derives the dynamic model into a data folder that did not exist', async () => {
    const machine = freshMachine('derive', true)
    const result = await facemark(['models', 'install', 'retinaface-mnet025-dynamic'], machine.env)

    expect(result.stderr).not.toContain('ENOENT')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('retinaface-mnet025-dynamic: derived, sha256 ')
    expect(existsSync(join(machine.data, 'models', 'retinaface-mnet025-dynamic.onnx'))).toBe(true)
  })

  it('says which URL failed offline and how to install the model without it', async () => {
    const machine = freshMachine('offline', false)
    const url = await deadUrl()
    const result = await facemark(
      ['models', 'install', 'retinaface-mnet025', '--url', url],
      machine.env,
    )

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`could not download retinaface-mnet025 from ${url}: connect`)
    expect(result.stderr).toContain(
      `copy it as ${fixed.file} into FACE_MODELS_DIR (${machine.env.FACE_MODELS_DIR})`,
    )
    expect(result.stderr).toContain('`facemark models add <file>`')
    expect(result.stderr).not.toMatch(/facemark: fetch failed$/m)
  })

  it('says there is nothing to remove, exits 0 and creates no data folder', async () => {
    const machine = freshMachine('remove', true)
    const result = await facemark(['models', 'remove', 'retinaface-mnet025'], machine.env)

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      `nothing to remove: retinaface-mnet025 is not installed in ${join(machine.data, 'models')}`,
    )
    expect(result.stdout).toContain('is under FACE_MODELS_DIR, which facemark never deletes from')
    expect(result.stdout).not.toContain('removed')
    expect(existsSync(machine.data)).toBe(false)
  })
})
