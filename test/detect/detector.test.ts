import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Detector, type DetectMode } from '../../src/main/detect/detector'
import { decodeImage } from '../../src/main/detect/image'
import {
  bestMatch,
  HANDSHAKE,
  landmarkError,
  modelsDir,
  readTrainLabels,
  sampleDir,
} from './helpers'

const detector = new Detector({ modelsDir })
const labels = readTrainLabels()
const train = (name: string) => join(sampleDir, 'train/images', name)

describe.each<DetectMode>(['native', 'letterbox', 'multiscale'])(
  'when detecting in %s mode',
  (mode) => {
    it('matches the three handshake faces with IoU >= 0.75 and landmarks within 12 px', async () => {
      const { image, result } = await detector.detectFile(train(HANDSHAKE), { mode })

      expect(image).toEqual({ width: 1024, height: 695, orientation: 1 })
      expect(result.faces.length).toBeGreaterThanOrEqual(3)
      for (const gt of labels.get(HANDSHAKE)!) {
        const { face, iou } = bestMatch(result.faces, gt.box)
        expect(iou).toBeGreaterThanOrEqual(0.75)
        expect(face!.score).toBeGreaterThan(0.9)
        expect(landmarkError(face!, gt.landmarks!)).toBeLessThanOrEqual(12)
      }
    })

    it('returns faces sorted by score, clipped to the image, with five visible landmarks', async () => {
      const { result } = await detector.detectFile(train(HANDSHAKE), { mode })
      const scores = result.faces.map((f) => f.score)

      expect(scores).toEqual([...scores].sort((a, b) => b - a))
      expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.02)
      for (const { box, landmarks } of result.faces) {
        expect(box.x).toBeGreaterThanOrEqual(0)
        expect(box.y).toBeGreaterThanOrEqual(0)
        expect(box.x + box.width).toBeLessThanOrEqual(1024 + 1e-3)
        expect(box.y + box.height).toBeLessThanOrEqual(695 + 1e-3)
        expect(landmarks.map((p) => p.visibility)).toEqual(Array(5).fill('visible'))
      }
    })
  },
)

describe('when checking more sample photos against ground truth', () => {
  // Clear, large faces (>= 40 px) should be found by a confident detection.
  const images = [...labels.keys()].slice(0, 6)

  it.each(images)('finds the large faces of %s', async (name) => {
    const { result } = await detector.detectFile(train(name), {
      mode: 'native',
      scoreThreshold: 0.5,
    })
    const large = labels.get(name)!.filter((f) => Math.min(f.box.width, f.box.height) >= 40)
    const ious = large.map((gt) => bestMatch(result.faces, gt.box).iou)

    const matched = ious.filter((iou) => iou >= 0.5).length
    expect(matched).toBeGreaterThanOrEqual(Math.ceil(large.length * 0.8))
  })
})

describe('when given a decoded image', () => {
  it('gives the same faces as from the file', async () => {
    const image = await decodeImage(train(HANDSHAKE))
    const fromImage = await detector.detect(image, { mode: 'native' })
    const fromFile = await detector.detectFile(train(HANDSHAKE), { mode: 'native' })

    expect(fromImage.faces).toEqual(fromFile.result.faces)
    expect(Object.keys(fromImage.timings).sort()).toEqual([
      'decodeMs',
      'inferenceMs',
      'postprocessMs',
      'preprocessMs',
    ])
  })
})
