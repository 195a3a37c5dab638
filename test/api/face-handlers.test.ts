import { describe, expect, it } from 'vitest'

import type { ApiChannel, ApiRequest, ApiResponse } from '../../src/shared/api'
import { DEFAULT_ATTRIBUTES, type FaceLabel } from '../../src/shared/face'
import { createApi } from '../../src/main/api/handlers'
import { ensureDataset } from '../../src/main/store/datasets'
import { insertFace } from '../../src/main/store/faces'
import { upsertImage } from '../../src/main/store/images'
import { annotationSet, createLabelSet } from '../../src/main/store/label-sets'
import { memoryContext } from './helpers'

const label = (x: number, score: number | null = null): FaceLabel => ({
  box: { x, y: 10.25, width: 20.5, height: 24 },
  score,
  landmarks: [0, 1, 2, 3, 4].map((i) => ({
    x: x + 4 + i,
    y: 18 + i,
    visibility: 'visible' as const,
  })),
  attributes: { ...DEFAULT_ATTRIBUTES },
  quality: null,
})

function setup() {
  const ctx = memoryContext()
  const api = createApi(ctx)
  const dataset = ensureDataset(ctx.db, '/data/set')
  const meta = { width: 640, height: 480, orientation: 1, sha256: null, byteSize: null }
  const image = upsertImage(ctx.db, dataset.id, 'a.jpg', meta)
  const set = annotationSet(ctx.db, dataset.id)
  async function call<C extends ApiChannel>(
    channel: C,
    req: ApiRequest<C>,
  ): Promise<ApiResponse<C>> {
    const result = await api.dispatch(channel, req)
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
    return result.value as ApiResponse<C>
  }
  return { ctx, api, call, dataset, image, set }
}

describe('when the editor writes faces', () => {
  it('creates a human face at sub-pixel precision and moves the image to in progress', async () => {
    const { call, image } = setup()
    const face = await call('faces/create', { imageId: image.id, face: label(5.125) })
    expect(face.source).toBe('human')
    const { faces } = await call('faces/list', { imageId: image.id })
    expect(faces[0].box).toEqual({ x: 5.125, y: 10.25, width: 20.5, height: 24 })
    expect((await call('images/get', { imageId: image.id })).status).toBe('in_progress')
  })

  it('turns a proposal into a human label when edited or accepted, and restores it exactly', async () => {
    const { ctx, call, image, set } = setup()
    const a = insertFace(ctx.db, set.id, image.id, label(1, 0.9), 'model')
    const b = insertFace(ctx.db, set.id, image.id, label(50, 0.8), 'model')

    const moved = await call('faces/update', { faceId: a.id, patch: { box: { ...a.box, x: 2.5 } } })
    expect(moved).toMatchObject({ source: 'human', box: { x: 2.5 } })

    const [accepted] = await call('faces/accept', { faceIds: [b.id] })
    expect(accepted.source).toBe('human')
    expect(accepted.box).toEqual(b.box)
    expect(accepted.landmarks).toEqual(b.landmarks)

    const restored = await call('faces/restore', {
      faceId: a.id,
      face: label(1, 0.9),
      source: 'model',
    })
    expect(restored).toMatchObject({ source: 'model', box: a.box, score: 0.9 })
  })

  it('merges a partial attribute patch into the stored attributes', async () => {
    const { call, image } = setup()
    const face = await call('faces/create', { imageId: image.id, face: label(1) })
    await call('faces/update', { faceId: face.id, patch: { attributes: { blur: 2 } } })
    const updated = await call('faces/update', {
      faceId: face.id,
      patch: { attributes: { invalid: true } },
    })
    expect(updated.attributes).toEqual({ ...DEFAULT_ATTRIBUTES, blur: 2, invalid: true })
  })

  it('deletes faces and re-creates one with its provenance', async () => {
    const { ctx, call, image, set } = setup()
    const a = insertFace(ctx.db, set.id, image.id, label(1, 0.7), 'model')
    expect(await call('faces/delete', { faceIds: [a.id] })).toEqual({ deleted: 1 })
    const again = await call('faces/create', {
      imageId: image.id,
      face: label(1, 0.7),
      source: 'model',
    })
    expect(again).toMatchObject({ source: 'model', score: 0.7, box: a.box, landmarks: a.landmarks })
  })

  it('refuses to edit a prediction set', async () => {
    const { ctx, api, image, dataset } = setup()
    const predictions = createLabelSet(ctx.db, dataset.id, 'predictions', 'run')
    const p = insertFace(ctx.db, predictions.id, image.id, label(1, 0.9), 'model')
    const result = await api.dispatch('faces/delete', { faceIds: [p.id] })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('forbidden')
  })

  it('refuses non-finite coordinates and a wrong landmark count', async () => {
    const { api, image } = setup()
    const bad = { ...label(1), landmarks: label(1).landmarks.slice(0, 3) }
    expect((await api.dispatch('faces/create', { imageId: image.id, face: bad })).ok).toBe(false)
    const nan = { ...label(1), box: { x: Number.NaN, y: 0, width: 1, height: 1 } }
    expect((await api.dispatch('faces/create', { imageId: image.id, face: nan })).ok).toBe(false)
  })
})
