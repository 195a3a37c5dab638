import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listModelStatus, locateModel } from '../../src/main/models/catalog'
import { DownloadError, downloadModel } from '../../src/main/models/download'
import { installModel } from '../../src/main/models/install'
import { removeModel } from '../../src/main/models/manage'
import { getManifest } from '../../src/main/models/manifest'
import { readRegistry } from '../../src/main/models/registry'
import { modelsDir } from '../support/shared'
import { serveModel } from './server'

const fixed = getManifest('retinaface-mnet025')
const fixedFile = join(modelsDir, fixed.file)
const temp = () => mkdtempSync(join(tmpdir(), 'facemark-install-'))
let server: Awaited<ReturnType<typeof serveModel>>

beforeAll(async () => {
  server = await serveModel(fixedFile)
})
afterAll(() => server.close())

describe('when downloading a published model', () => {
  it('writes the verified file and reports progress up to the full size', async () => {
    const dataDir = temp()
    const seen: number[] = []
    const path = await downloadModel(fixed, dataDir, {
      url: server.url('/model.onnx'),
      onProgress: (received, total) => {
        expect(total).toBe(1_729_306)
        seen.push(received)
      },
    })
    expect(path).toBe(join(dataDir, fixed.file))
    expect(statSync(path).size).toBe(1_729_306)
    expect(seen.at(-1)).toBe(1_729_306)
    expect((await listModelStatus({ modelsDir: temp(), dataDir }))[1]).toMatchObject({
      state: 'verified',
      sha256: fixed.sha256,
    })
  })

  it('keeps an interrupted download and resumes it with a Range request', async () => {
    const dataDir = temp()
    const cut = await downloadModel(fixed, dataDir, { url: server.url('/cut.onnx') }).catch(
      (e: Error) => e,
    )
    expect(cut).toBeInstanceOf(Error)
    const part = join(dataDir, `${fixed.file}.part`)
    const kept = statSync(part).size
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThanOrEqual(1_729_306 >> 1)
    const listed = await listModelStatus({ modelsDir: temp(), dataDir })
    expect(listed.find((r) => r.manifest.id === fixed.id)).toMatchObject({
      state: 'missing',
      partialBytes: kept,
    })

    const before = server.requests.length
    await downloadModel(fixed, dataDir, { url: server.url('/model.onnx') })
    expect(server.requests.slice(before)).toEqual([
      { path: '/model.onnx', range: `bytes=${kept}-` },
    ])
    expect(readFileSync(join(dataDir, fixed.file)).equals(readFileSync(fixedFile))).toBe(true)
    expect(existsSync(part)).toBe(false)
  })

  it('refuses a file whose sha256 differs and leaves nothing installed', async () => {
    const dataDir = temp()
    const error = await downloadModel(fixed, dataDir, { url: server.url('/corrupt.onnx') }).catch(
      (e: Error) => e,
    )
    expect((error as Error).message).toMatch(
      new RegExp(`sha256 [0-9a-f]{64}, expected ${fixed.sha256}; it was deleted`),
    )
    expect(existsSync(join(dataDir, fixed.file))).toBe(false)
    expect(existsSync(join(dataDir, `${fixed.file}.part`))).toBe(false)
  })

  it('names the URL when the server answers with an error', async () => {
    const url = server.url('/missing.onnx')
    const error = await downloadModel(fixed, temp(), { url }).catch((e: Error) => e)
    expect(error).toBeInstanceOf(DownloadError)
    expect((error as DownloadError).url).toBe(url)
    expect((error as Error).message).toBe(
      `could not download retinaface-mnet025 from ${url}: the server answered HTTP 404`,
    )
  })

  it('lists a replaced file as corrupt', async () => {
    const dataDir = temp()
    writeFileSync(join(dataDir, fixed.file), 'not a model')
    const row = (await listModelStatus({ modelsDir: temp(), dataDir })).find(
      (r) => r.manifest.id === fixed.id,
    )
    expect(row?.state).toBe('corrupt')
  })
})

describe('when installing the dynamic model', () => {
  it('downloads the fixed parent, derives, verifies and records its own sha256', async () => {
    const dataDir = temp()
    const stages: string[] = []
    const located = await installModel('retinaface-mnet025-dynamic', {
      modelsDir: temp(),
      dataDir,
      urls: { 'retinaface-mnet025': server.url('/model.onnx') },
      onStage: (stage, id) => stages.push(`${stage} ${id}`),
    })
    expect(stages).toEqual([
      'downloading retinaface-mnet025',
      'done retinaface-mnet025',
      'deriving retinaface-mnet025-dynamic',
      'done retinaface-mnet025-dynamic',
    ])
    expect(located.origin).toBe('derived')

    const record = readRegistry(dataDir).derived['retinaface-mnet025-dynamic']
    expect(record.sha256).toBe(located.sha256)
    expect(record.fromSha256).toBe(fixed.sha256)
    expect(record.check).toMatchObject({ input: 'pattern', maxAbsDiffAt640: 0 })

    const rows = await listModelStatus({ modelsDir: temp(), dataDir })
    expect(rows.map((r) => [r.manifest.id, r.state])).toEqual([
      ['retinaface-mnet025-dynamic', 'derived'],
      ['retinaface-mnet025', 'verified'],
    ])

    // Offline from here: the same call finds everything in place and fetches nothing.
    const before = server.requests.length
    await installModel('retinaface-mnet025-dynamic', { modelsDir: temp(), dataDir })
    expect(server.requests.length).toBe(before)

    const removed = await removeModel('retinaface-mnet025-dynamic', dataDir)
    expect(removed).toMatchObject({
      files: ['retinaface-mnet025-dynamic.onnx'],
      registryEntry: true,
    })
    expect(readRegistry(dataDir).derived).toEqual({})
    // Again: there is nothing left, and the result says so.
    expect(await removeModel('retinaface-mnet025-dynamic', dataDir)).toMatchObject({
      files: [],
      registryEntry: false,
    })
    await expect(
      locateModel('retinaface-mnet025-dynamic', { modelsDir: temp(), dataDir }),
    ).rejects.toThrow('facemark models install retinaface-mnet025-dynamic')
  })
})
