import { statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findAppRoot, getManifest, loadManifests } from '../../src/main/models/manifest'
import { sha256File } from '../../src/main/models/verify'
import { modelsDir, repoRoot } from '../detect/helpers'

describe('loadManifests', () => {
  it('reads and validates both RetinaFace manifests', () => {
    const manifests = loadManifests()
    expect(manifests.map((m) => m.id)).toEqual(['retinaface-mnet025-dynamic', 'retinaface-mnet025'])

    const fixed = getManifest('retinaface-mnet025')
    expect(fixed.input).toMatchObject({
      name: 'input0',
      channelOrder: 'BGR',
      mean: [104, 117, 123],
      scale: 1,
    })
    expect(fixed.input.size).toEqual({ kind: 'fixed', width: 640, height: 640 })
    expect(fixed.source.url).toContain(
      'kgzhwang/Pytorch_Retinaface/6e724185520256cfa136feb4910203b1f55c5274',
    )
    expect(fixed.postprocess).toEqual({ scoreThreshold: 0.02, nmsIou: 0.4, topK: 5000, keep: 750 })

    const dynamic = getManifest('retinaface-mnet025-dynamic')
    expect(dynamic.input.size).toEqual({ kind: 'dynamic', stride: 32 })
    expect(dynamic.source.url).toBeNull()
    expect(dynamic.source.derivedFrom?.id).toBe('retinaface-mnet025')
  })

  it.each(['retinaface-mnet025', 'retinaface-mnet025-dynamic'])(
    'records the true size and sha256 of %s',
    async (id) => {
      const manifest = getManifest(id)
      const file = join(modelsDir, manifest.file)
      expect(statSync(file).size).toBe(manifest.bytes)
      expect(await sha256File(file)).toBe(manifest.sha256)
    },
  )

  it('finds the app root from the source tree and from a bundled out/main file', () => {
    expect(findAppRoot()).toBe(repoRoot)
    expect(findAppRoot(join(repoRoot, 'out/main/detect-worker.js'))).toBe(repoRoot)
  })

  it('throws on an unknown id, naming the known ones', () => {
    expect(() => getManifest('nope')).toThrow(/retinaface-mnet025/)
  })
})
