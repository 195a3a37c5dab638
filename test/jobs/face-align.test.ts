import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { decodeImage } from '../../src/main/detect/image'
import { parseRetinaFaceLabels } from '../../src/main/formats/retinaface-label'
import type { FaceLabel, Landmark } from '../../src/shared/face'
import {
  alignmentFor,
  applySimilarity,
  ARCFACE_TEMPLATE,
  estimateSimilarity,
  warpSimilarity,
  type Similarity,
} from '../../src/main/jobs/face-align'
import { readText } from '../formats/paths'
import { sampleDir } from '../support/shared'

describe('estimateSimilarity', () => {
  it('recovers a known rotation, scale and shift exactly', () => {
    const t = { a: 1.2 * Math.cos(0.3), b: 1.2 * Math.sin(0.3), tx: 5, ty: -7 }
    const src = ARCFACE_TEMPLATE.map(([x, y]) => [x * 3 + 100, y * 2 + 50] as const)
    const dst = src.map(([x, y]) => applySimilarity(t, x, y))
    const fit = estimateSimilarity(src, dst)
    for (const key of ['a', 'b', 'tx', 'ty'] as const) expect(fit[key]).toBeCloseTo(t[key], 9)
  })

  it('refuses faces without five positioned landmarks', () => {
    expect(alignmentFor([])).toBeUndefined()
  })
})

describe('when a real sample face is warped to the ArcFace template', () => {
  // Frontal faces fit the template closely; profile and tilted ones cannot fit it within a few
  // pixels under any similarity. The test takes the sample's best-fitting face of 100 px or
  // more, and checks both the warp (dots land where the transform says) and the fit.
  const entries = parseRetinaFaceLabels(readText(sampleDir, 'train/label.txt'))
  const residual = (t: Similarity, p: Landmark, k: number) => {
    const [x, y] = applySimilarity(t, p.x, p.y)
    return Math.hypot(x - ARCFACE_TEMPLATE[k][0], y - ARCFACE_TEMPLATE[k][1])
  }
  const meanResidual = (f: FaceLabel) => {
    const t = alignmentFor(f.landmarks)!
    return f.landmarks.reduce((s, p, k) => s + residual(t, p, k), 0) / 5
  }
  const [path, face] = entries
    .flatMap((e) => e.faces.map((f) => [e.path, f] as const))
    .filter(([, f]) => f.box.width >= 100 && f.landmarks.every((p) => p.visibility === 'visible'))
    .filter(([, f]) => f.landmarks.length === 5)
    .sort((a, b) => meanResidual(a[1]) - meanResidual(b[1]))[0]

  it('puts its five landmarks within 2 px of the template', async () => {
    const image = await decodeImage(join(sampleDir, 'train/images', path))

    // Paint a disc of pure colour on each landmark, big enough to survive the downscale to
    // 112 px, warp, and find the discs again.
    const t = alignmentFor(face.landmarks)!
    const radius = 2 / Math.hypot(t.a, t.b)
    const marked = Buffer.from(image.rgb)
    const colours = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 0, 255],
      [0, 255, 255],
    ]
    face.landmarks.forEach((p, k) => {
      for (let y = Math.floor(p.y - radius); y <= p.y + radius; y++) {
        for (let x = Math.floor(p.x - radius); x <= p.x + radius; x++) {
          if (Math.hypot(x + 0.5 - p.x, y + 0.5 - p.y) <= radius) {
            marked.set(colours[k], (y * image.width + x) * 3)
          }
        }
      }
    })
    const crop = warpSimilarity(marked, image.width, image.height, t)

    const found = face.landmarks.map((_, k) => centroid(crop, colours[k]))
    face.landmarks.forEach((p, k) => {
      const [ex, ey] = applySimilarity(t, p.x, p.y)
      expect(Math.hypot(found[k][0] - ex, found[k][1] - ey)).toBeLessThan(0.5)
    })
    const distances = found.map(([x, y], k) =>
      Math.hypot(x - ARCFACE_TEMPLATE[k][0], y - ARCFACE_TEMPLATE[k][1]),
    )
    expect(distances.reduce((a, b) => a + b) / 5).toBeLessThan(2)
    expect(Math.max(...distances)).toBeLessThan(2.5)
  })
})

/** Centre (pixel-centre convention) of the crop pixels closest to `colour`. */
function centroid(rgb: Buffer, colour: number[]): [number, number] {
  let sx = 0
  let sy = 0
  let n = 0
  for (let i = 0; i < rgb.length / 3; i++) {
    const d = Math.hypot(
      rgb[i * 3] - colour[0],
      rgb[i * 3 + 1] - colour[1],
      rgb[i * 3 + 2] - colour[2],
    )
    if (d > 60) continue
    sx += (i % 112) + 0.5
    sy += Math.floor(i / 112) + 0.5
    n++
  }
  expect(n).toBeGreaterThan(0)
  return [sx / n, sy / n]
}
