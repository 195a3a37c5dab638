/**
 * Annotation format and store speed at WIDER train scale: 12,880 images, ~160,000 faces.
 * Times parse and serialise of bbx_gt.txt and RetinaFace label.txt, a bulk import into a
 * SQLite file, and reading the whole set back. Run: `npx tsx bench/formats.ts`.
 * Writes bench/results/formats.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import {
  parseRetinaFaceLabels,
  serializeRetinaFaceLabels,
} from '../src/main/formats/retinaface-label'
import { parseWiderGt, serializeWiderGt } from '../src/main/formats/wider-gt'
import { openDatabase } from '../src/main/store/database'
import { ensureDataset } from '../src/main/store/datasets'
import { facesForSet, writeFace } from '../src/main/store/faces'
import { listImages, upsertImage } from '../src/main/store/images'
import { createLabelSet } from '../src/main/store/label-sets'
import type { FaceLabel, Landmark } from '../src/shared/face'

const IMAGES = 12_880
const MEAN_FACES = 12.4

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Integer boxes, WIDER attributes, and (as in RetinaFace train) landmarks on about half. */
function synthesise(seed: number): { path: string; faces: FaceLabel[] }[] {
  const rnd = prng(seed)
  const pick = <T>(values: readonly T[]) => values[Math.floor(rnd() * values.length)]
  return Array.from({ length: IMAGES }, (_, i) => {
    const count = rnd() < 0.01 ? 0 : Math.max(1, Math.round(-Math.log(1 - rnd()) * MEAN_FACES))
    const faces = Array.from({ length: count }, (): FaceLabel => {
      const w = 4 + Math.floor(rnd() ** 3 * 400)
      const h = Math.round(w * 1.25)
      const x = Math.floor(rnd() * 1000)
      const y = Math.floor(rnd() * 800)
      const point = (fx: number, fy: number): Landmark => ({
        x: Math.round((x + fx * w) * 1000) / 1000,
        y: Math.round((y + fy * h) * 1000) / 1000,
        visibility: rnd() < 0.2 ? 'occluded' : 'visible',
      })
      const annotated = w >= 12 && rnd() < 0.6
      return {
        box: { x, y, width: w, height: h },
        score: null,
        landmarks: annotated
          ? [point(0.3, 0.4), point(0.7, 0.4), point(0.5, 0.6), point(0.35, 0.8), point(0.65, 0.8)]
          : [],
        attributes: {
          blur: pick([0, 1, 2] as const),
          expression: pick([0, 0, 0, 1] as const),
          illumination: pick([0, 0, 0, 1] as const),
          occlusion: pick([0, 1, 2] as const),
          pose: pick([0, 0, 1] as const),
          invalid: rnd() < 0.05,
        },
        quality: Math.round(rnd() * 100) / 100,
      }
    })
    return { path: `${i % 61}--Event/${i % 61}_Event_${i}.jpg`, faces }
  })
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now()
  const value = fn()
  return [value, Math.round(performance.now() - start)]
}

const entries = synthesise(20261203)
const faceCount = entries.reduce((n, e) => n + e.faces.length, 0)

const [widerText, widerSerializeMs] = time(() => serializeWiderGt(entries))
const [widerParsed, widerParseMs] = time(() => parseWiderGt(widerText))
const [retinaText, retinaSerializeMs] = time(() =>
  serializeRetinaFaceLabels(entries, { layout: 'train' }),
)
const [retinaParsed, retinaParseMs] = time(() => parseRetinaFaceLabels(retinaText))

// Import into a file database the way a ground-truth import does: one transaction.
const dir = mkdtempSync(join(tmpdir(), 'facemark-bench-'))
const db = openDatabase(join(dir, 'bench.sqlite'))
const [setId, insertMs] = time(() =>
  db.transaction(() => {
    const dataset = ensureDataset(db, '/bench/WIDER_train/images')
    const set = createLabelSet(db, dataset.id, 'ground_truth', 'wider train')
    const at = new Date().toISOString()
    for (const entry of retinaParsed) {
      const meta = { width: null, height: null, orientation: 1, sha256: null, byteSize: null }
      const image = upsertImage(db, dataset.id, entry.path, meta)
      for (const face of entry.faces) writeFace(db, set.id, image.id, face, 'import', {}, at)
    }
    return set.id
  })(),
)
const [byImage, readSetMs] = time(() => facesForSet(db, setId))
const [listed, listImagesMs] = time(() => listImages(db, 1))
db.close()
rmSync(dir, { recursive: true, force: true })

const report = {
  date: new Date().toISOString(),
  node: process.version,
  images: entries.length,
  faces: faceCount,
  facesWithLandmarks: entries.reduce(
    (n, e) => n + e.faces.filter((f) => f.landmarks.length).length,
    0,
  ),
  wider: {
    bytes: Buffer.byteLength(widerText),
    serializeMs: widerSerializeMs,
    parseMs: widerParseMs,
  },
  retinaface: {
    bytes: Buffer.byteLength(retinaText),
    serializeMs: retinaSerializeMs,
    parseMs: retinaParseMs,
  },
  sqlite: {
    bulkInsertMs: insertMs,
    facesPerSecond: Math.round((faceCount / insertMs) * 1000),
    readWholeSetMs: readSetMs,
    listImagesMs,
  },
  checks: {
    widerRoundTrip:
      widerParsed.length === entries.length && serializeWiderGt(widerParsed) === widerText,
    retinaRoundTrip: serializeRetinaFaceLabels(retinaParsed, { layout: 'train' }) === retinaText,
    storedFaces: [...byImage.values()].reduce((n, f) => n + f.length, 0) === faceCount,
    listedImages: listed.length === entries.length,
  },
}
console.log(JSON.stringify(report, null, 2))

const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results')
mkdirSync(out, { recursive: true })
writeFileSync(resolve(out, 'formats.json'), `${JSON.stringify(report, null, 2)}\n`)
