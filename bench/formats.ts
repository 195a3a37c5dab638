/**
 * Annotation format and store speed at WIDER train scale: 12,880 images, ~160,000 faces.
 * Times parse and serialise of bbx_gt.txt and RetinaFace label.txt, a bulk import into a
 * SQLite file, and reading the whole set back; then the import job on a generated
 * bbx_gt.txt and the export job in every format, each format's output imported again (YOLO
 * needs image files for sizes, so its re-import is not timed here). Images are not on disk:
 * sizes are set in the store as a previous probe would have. Run: `npx tsx bench/formats.ts`.
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
import { exportLabels, type ExportFormat } from '../src/main/jobs/export-labels'
import { importLabels, type ImportFormat } from '../src/main/jobs/import-labels'
import { openDatabase } from '../src/main/store/database'
import { ensureDataset } from '../src/main/store/datasets'
import { facesForSet, writeFace } from '../src/main/store/faces'
import { listImages, upsertImage } from '../src/main/store/images'
import { createLabelSet } from '../src/main/store/label-sets'
import type { FaceLabel, Landmark } from '../src/shared/face'
import { mulberry32 } from '../src/shared/random'

const IMAGES = 12_880
const MEAN_FACES = 12.4

/** Integer boxes, WIDER attributes, and (as in RetinaFace train) landmarks on about half. */
function synthesise(seed: number): { path: string; faces: FaceLabel[] }[] {
  const rnd = mulberry32(seed)
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

/**
 * Wall milliseconds of an async call, with its value and its CPU milliseconds (user + system,
 * all threads of this process). On a shared, loaded machine wall time mostly measures the
 * neighbours; CPU time is what the job costs on one core.
 */
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const value = await fn()
  const used = process.cpuUsage(cpu)
  return [
    value,
    Math.round(performance.now() - start),
    Math.round((used.user + used.system) / 1000),
  ]
}

// The jobs end to end: import the generated ground truth, export it in every format, and
// import each export again.
const jobsDb = openDatabase(join(dir, 'jobs.sqlite'))
const gtFile = join(dir, 'wider_face_split', 'wider_face_train_bbx_gt.txt')
mkdirSync(dirname(gtFile), { recursive: true })
writeFileSync(gtFile, widerText)
const [imported, importMs, importCpuMs] = await timeAsync(() =>
  importLabels(jobsDb, { format: 'wider', path: gtFile, name: 'wider train' }),
)
jobsDb.transaction(() => {
  const meta = { width: 1024, height: 1024, orientation: 1, sha256: null, byteSize: null }
  for (const image of listImages(jobsDb, imported.datasetId)) {
    upsertImage(jobsDb, imported.datasetId, image.relPath, meta)
  }
})()
// The RetinaFace file carries landmarks and quality too, so exports have all fields to write.
const retinaFile = join(dir, 'retina', 'label.txt')
mkdirSync(dirname(retinaFile), { recursive: true })
writeFileSync(retinaFile, retinaText)
const full = await importLabels(jobsDb, {
  format: 'retinaface',
  path: retinaFile,
  images: imported.root,
})

const FORMATS: [ExportFormat, ImportFormat | null, (out: string) => string][] = [
  ['wider', 'wider', (out) => out],
  ['retinaface', 'retinaface', (out) => out],
  ['coco', 'coco', (out) => join(out, 'annotations.json')],
  ['yolo-face', null, (out) => out],
  ['yolo-pose', null, (out) => out],
  ['labelme', 'labelme', (out) => out],
]
const jobs: Record<string, unknown> = {
  importWiderGtMs: importMs,
  importWiderGtCpuMs: importCpuMs,
  importedFaces: imported.faces,
}
// BENCH_FORMATS=coco,labelme limits the jobs part to some formats, for profiling.
const only = process.env.BENCH_FORMATS?.split(',')
for (const [format, back, labelPath] of FORMATS) {
  if (only && !only.includes(format)) continue
  const out = join(dir, `export-${format}`)
  const [summary, exportMs, exportCpuMs] = await timeAsync(() =>
    exportLabels(jobsDb, {
      datasetId: imported.datasetId,
      format,
      out: format === 'wider' || format === 'retinaface' ? `${out}.txt` : out,
      labelSetId: full.labelSet.id,
    }),
  )
  const entry: Record<string, unknown> = {
    exportMs,
    exportCpuMs,
    faces: summary.faces,
    notes: summary.notes,
  }
  if (back) {
    const path = labelPath(format === 'wider' || format === 'retinaface' ? `${out}.txt` : out)
    const [again, reimportMs, reimportCpuMs] = await timeAsync(() =>
      importLabels(jobsDb, { format: back, path, images: imported.root, name: format }),
    )
    Object.assign(entry, { reimportMs, reimportCpuMs, reimportedFaces: again.faces })
  }
  jobs[format] = entry
}
jobsDb.close()
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
  jobs,
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
