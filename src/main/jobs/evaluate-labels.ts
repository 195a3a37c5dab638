import { readFileSync, statSync } from 'node:fs'
import type { FaceLabel } from '../../shared/face'
import type { LabelSetRecord } from '../../shared/records'
import { evaluateNme, type NmeResult } from '../eval/nme'
import { ALL_SETTING, imagesFromFaces, imagesFromMat } from '../eval/wider-inputs'
import { readWiderMat, WIDER_SETTINGS } from '../eval/wider-mat'
import { evaluateWider, type ProtocolResult } from '../eval/wider-protocol'
import { parseRetinaFaceLabels } from '../formats/retinaface-label'
import { parseWiderGt } from '../formats/wider-gt'
import type { Db } from '../store/database'
import { facesForSet } from '../store/faces'
import { listImages } from '../store/images'
import { listLabelSets } from '../store/label-sets'
import { widerPath } from './dataset-paths'

export interface EvaluateRequest {
  datasetId: number
  /** A folder of the official .mat files, a wider_face_*_bbx_gt.txt, or a RetinaFace label.txt. */
  gt: string
  /** The label set to score; the newest detection run by default. */
  labelSetId?: number
  iouThreshold?: number
}

export interface EvaluateReport {
  labelSet: LabelSetRecord
  gtSource: 'mat' | 'wider-gt' | 'retinaface'
  /** GT images that are also in the dataset: only these are scored. */
  images: number
  /** GT images the dataset does not hold, left out of the scores. */
  gtImagesNotInDataset: number
  ap: { setting: string; ap: number; countedFaces: number }[]
  protocol: ProtocolResult
  /** Null when the ground truth has no landmarks (WIDER val). */
  nme: NmeResult | null
}

type GtImage = { key: string; path: string; faces: FaceLabel[] }

/**
 * Score a label set against ground truth with the official WIDER protocol (easy/medium/hard
 * when the .mat subsets are given, else one `all` setting with invalid faces ignored) and the
 * five-landmark NME where the ground truth has landmarks.
 *
 * Only GT images present in the dataset are scored: counting the others as misses would make
 * a 40-image sample look like a detector that finds nothing in 3,226 images.
 */
export function evaluateLabels(db: Db, request: EvaluateRequest): EvaluateReport {
  const labelSet = chooseSet(db, request)
  const byImage = facesForSet(db, labelSet.id)
  const predictions = new Map<string, { faces: { box: FaceLabel['box']; score: number }[] }>()
  const predictedFaces = new Map<string, FaceLabel[]>()
  for (const image of listImages(db, request.datasetId)) {
    const faces = byImage.get(image.id) ?? []
    const key = keyOf(widerPath(image.relPath))
    predictedFaces.set(key, faces)
    predictions.set(key, { faces: faces.map((f) => ({ box: f.box, score: f.score ?? 1 })) })
  }

  const options = { iouThreshold: request.iouThreshold ?? 0.5 }
  const isDir = statSync(request.gt).isDirectory()

  if (isDir) {
    const all = readWiderMat(request.gt)
    const gt = all.filter((image) => predictions.has(`${image.event}/${image.name}`))
    const settings = WIDER_SETTINGS.filter((s) => gt.some((image) => image.counted[s]))
    const protocol = evaluateWider(imagesFromMat(gt, predictions), settings, options)
    return report(labelSet, 'mat', gt.length, all.length - gt.length, protocol, null)
  }

  const { source, images: all } = readGtFile(request.gt)
  const gt = all.filter((image) => predictions.has(image.key))
  const protocol = evaluateWider(imagesFromFaces(gt, predictions), [ALL_SETTING], options)
  const withLandmarks = gt.filter((image) => image.faces.some((f) => f.landmarks.length > 0))
  const nme =
    withLandmarks.length === 0
      ? null
      : evaluateNme(
          withLandmarks.map((image) => ({
            key: image.key,
            gt: image.faces,
            predictions: (predictedFaces.get(image.key) ?? []).map((f) => ({
              box: f.box,
              score: f.score ?? 1,
              landmarks: f.landmarks,
            })),
          })),
          options,
        )
  return report(labelSet, source, gt.length, all.length - gt.length, protocol, nme)
}

function report(
  labelSet: LabelSetRecord,
  gtSource: EvaluateReport['gtSource'],
  images: number,
  gtImagesNotInDataset: number,
  protocol: ProtocolResult,
  nme: NmeResult | null,
): EvaluateReport {
  const ap = protocol.settings.map(({ setting, ap, countedFaces }) => ({
    setting,
    ap,
    countedFaces,
  }))
  return { labelSet, gtSource, images, gtImagesNotInDataset, ap, protocol, nme }
}

/** A GT text file is RetinaFace's label.txt when its first line is a `# path` header. */
function readGtFile(path: string): { source: 'wider-gt' | 'retinaface'; images: GtImage[] } {
  const text = readFileSync(path, 'utf8')
  const retinaface = text.trimStart().startsWith('#')
  const entries = retinaface ? parseRetinaFaceLabels(text) : parseWiderGt(text)
  const images = entries.map((e) => ({ key: keyOf(e.path), path: e.path, faces: e.faces }))
  return { source: retinaface ? 'retinaface' : 'wider-gt', images }
}

function keyOf(path: string): string {
  return path.replace(/\.[^./]*$/, '')
}

function chooseSet(db: Db, request: EvaluateRequest): LabelSetRecord {
  const sets = listLabelSets(db, request.datasetId)
  const chosen =
    request.labelSetId !== undefined
      ? sets.find((s) => s.id === request.labelSetId)
      : sets.filter((s) => s.kind === 'predictions').at(-1)
  if (chosen) return chosen

  const known = sets.map((s) => `${s.id} ${s.kind} "${s.name}"`).join(', ') || 'none'
  throw new Error(
    request.labelSetId !== undefined
      ? `No label set ${request.labelSetId} in this dataset; known: ${known}`
      : 'No detection run to evaluate; run `facemark annotate <images-dir>` first',
  )
}
