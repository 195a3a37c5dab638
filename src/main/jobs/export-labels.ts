import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { FaceLabel } from '../../shared/face'
import type { LabelSetRecord } from '../../shared/records'
import { serializeRetinaFaceLabels } from '../formats/retinaface-label'
import { serializeWiderGt } from '../formats/wider-gt'
import { writePredictionFolder } from '../formats/wider-predictions'
import type { Db } from '../store/database'
import { facesForSet } from '../store/faces'
import { listImages } from '../store/images'
import { annotationSet, listLabelSets } from '../store/label-sets'
import { widerPath } from './dataset-paths'

export const EXPORT_FORMATS = ['retinaface', 'wider', 'wider-predictions'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportRequest {
  datasetId: number
  format: ExportFormat
  /** A file for retinaface/wider, a folder for wider-predictions. */
  out: string
  /** Which label set; by default the annotation set, or the newest run for predictions. */
  labelSetId?: number
}

export interface ExportSummary {
  out: string
  labelSet: LabelSetRecord
  images: number
  faces: number
  /** Images left out because their file could not be read. */
  unreadable: number
}

/**
 * Write one label set in a training or evaluation format. Output goes to a temporary path
 * first and is renamed at the end, so an interrupted export never leaves a half-written file.
 */
export async function exportLabels(db: Db, request: ExportRequest): Promise<ExportSummary> {
  const labelSet = chooseLabelSet(db, request)
  const byImage = facesForSet(db, labelSet.id)
  const images = listImages(db, request.datasetId)
  const readable = images.filter((image) => image.error === null)

  const entries = readable.map((image) => ({
    path: widerPath(image.relPath),
    faces: (byImage.get(image.id) ?? []) as FaceLabel[],
  }))
  const faces = entries.reduce((n, entry) => n + entry.faces.length, 0)

  const out = resolve(request.out)
  const temp = `${out}.partial-${process.pid}`
  await rm(temp, { recursive: true, force: true })
  await mkdir(dirname(out), { recursive: true })

  if (request.format === 'wider-predictions') {
    const scored = entries.map(({ path, faces: list }) => ({
      path,
      faces: list.map((face) => ({ box: face.box, score: face.score ?? 1 })),
    }))
    await writePredictionFolder(temp, scored)
  } else {
    const text =
      request.format === 'wider'
        ? serializeWiderGt(entries, { integers: false })
        : serializeRetinaFaceLabels(entries)
    await writeFile(temp, text)
  }

  await rm(out, { recursive: true, force: true })
  await rename(temp, out)
  return {
    out,
    labelSet,
    images: entries.length,
    faces,
    unreadable: images.length - readable.length,
  }
}

function chooseLabelSet(db: Db, request: ExportRequest): LabelSetRecord {
  const sets = listLabelSets(db, request.datasetId)
  if (request.labelSetId !== undefined) {
    const set = sets.find((s) => s.id === request.labelSetId)
    if (!set) {
      const known = sets.map((s) => `${s.id} ${s.kind} "${s.name}"`).join(', ')
      throw new Error(`No label set ${request.labelSetId} in this dataset; known: ${known}`)
    }
    return set
  }

  if (request.format !== 'wider-predictions') return annotationSet(db, request.datasetId)
  const runs = sets.filter((s) => s.kind === 'predictions')
  if (runs.length === 0) {
    throw new Error('No detection run to export; run `facemark annotate <images-dir>` first')
  }
  return runs.reduce((a, b) => (b.id > a.id ? b : a))
}
