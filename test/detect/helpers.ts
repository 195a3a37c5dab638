import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Box, DetectedFace } from '../../src/shared/face'
import { boxIou } from '../../src/shared/geometry'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const modelsDir = process.env.FACE_MODELS_DIR ?? resolve(repoRoot, '../shared/models')
export const sharedDir = resolve(repoRoot, '../shared')
export const casesDir = join(sharedDir, 'cases')
export const sampleDir = join(sharedDir, 'data/widerface-sample')

export const HANDSHAKE = '1--Handshaking/1_Handshaking_Handshaking_1_885.jpg'

export interface GtFace {
  box: Box
  /** Five (x, y) points, or null when the face has no landmark annotation. */
  landmarks: [number, number][] | null
}

/** Ground truth per image from a RetinaFace train label.txt. */
export function readTrainLabels(): Map<string, GtFace[]> {
  const text = readFileSync(join(sampleDir, 'train/label.txt'), 'utf8')
  const labels = new Map<string, GtFace[]>()
  let current: GtFace[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      current = []
      labels.set(line.slice(1).trim(), current)
    } else if (line.trim()) {
      const v = line.trim().split(/\s+/).map(Number)
      const points = [0, 1, 2, 3, 4].map((k) => [v[4 + 3 * k], v[5 + 3 * k]] as [number, number])
      current.push({
        box: { x: v[0], y: v[1], width: v[2], height: v[3] },
        landmarks: v[4] < 0 ? null : points,
      })
    }
  }
  return labels
}

/** The detection overlapping a GT box most, with its IoU. */
export function bestMatch(
  faces: DetectedFace[],
  box: Box,
): { face: DetectedFace | null; iou: number } {
  let best: { face: DetectedFace | null; iou: number } = { face: null, iou: 0 }
  for (const face of faces) {
    const iou = boxIou(face.box, box)
    if (iou > best.iou) best = { face, iou }
  }
  return best
}

/** Mean Euclidean distance between detected and GT landmarks, in pixels. */
export function landmarkError(face: DetectedFace, gt: [number, number][]): number {
  const d = gt.map(([x, y], k) => Math.hypot(face.landmarks[k].x - x, face.landmarks[k].y - y))
  return d.reduce((a, b) => a + b, 0) / d.length
}
