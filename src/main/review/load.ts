import type { LabelSetRecord, StoredFace } from '../../shared/records'
import { DEFAULT_REVIEW_OPTIONS, type ReviewOptions, type ReviewReport } from '../../shared/review'
import { WIDER_SETTINGS, type WiderSetting } from '../eval/wider-mat'
import type { Db } from '../store/database'
import { facesForSet } from '../store/faces'
import { listImages } from '../store/images'
import { getLabelSet } from '../store/label-sets'
import { setImageIds, subsetsForSet, verdictsForSets } from '../store/review'
import { compareFaces, type CompareInput, type ReviewImage } from './compare'

/** Two label sets of one dataset to compare. */
export interface ReviewRequest {
  /** The faces judged: a detection run's predictions, the annotation set, any set. */
  predSetId: number
  /** The reference: imported ground truth, the annotation set, another run. */
  gtSetId: number
  options?: Partial<ReviewOptions>
}

/** A request the store cannot answer: unknown sets, or sets of two datasets. */
export class ReviewRequestError extends Error {}

/**
 * Read both sets from the store and compare them on the images the reference covers (an
 * image the predictions never reached counts as one without detections, as in WIDER).
 */
export function reviewLabelSets(db: Db, request: ReviewRequest): ReviewReport {
  const { predSet, gtSet, input } = loadComparison(db, request)
  return { predSet, gtSet, ...compareFaces(input, reviewOptions(request.options)) }
}

/** The defaults with whatever the caller set; an undefined field keeps its default. */
export function reviewOptions(partial: Partial<ReviewOptions> = {}): ReviewOptions {
  const set = Object.entries(partial).filter(([, value]) => value !== undefined)
  return { ...DEFAULT_REVIEW_OPTIONS, ...Object.fromEntries(set) }
}

/** The comparison inputs of two stored label sets. */
export function loadComparison(
  db: Db,
  request: ReviewRequest,
): { predSet: LabelSetRecord; gtSet: LabelSetRecord; input: CompareInput } {
  const predSet = requireSet(db, request.predSetId)
  const gtSet = requireSet(db, request.gtSetId)
  if (predSet.datasetId !== gtSet.datasetId) {
    throw new ReviewRequestError('Both label sets must belong to the same dataset.')
  }
  if (predSet.id === gtSet.id) {
    throw new ReviewRequestError('Pick two different label sets to compare.')
  }

  const covered = setImageIds(db, gtSet)
  const gtFaces = facesForSet(db, gtSet.id)
  const predFaces = facesForSet(db, predSet.id)
  const subsetsByFace = subsetsForSet(db, gtSet.id)
  const present = new Set([...subsetsByFace.values()].flat())
  const settings = WIDER_SETTINGS.filter((s) => present.has(s))

  const images: ReviewImage[] = []
  for (const image of listImages(db, gtSet.datasetId)) {
    if (!covered.has(image.id)) continue
    const gt = gtFaces.get(image.id) ?? []
    images.push({
      imageId: image.id,
      relPath: image.relPath,
      gt,
      predictions: predFaces.get(image.id) ?? [],
      subsets: settings.length > 0 ? subsetIndices(gt, subsetsByFace, settings) : undefined,
    })
  }

  const verdicts = verdictsForSets(db, [predSet.id, gtSet.id])
  return { predSet, gtSet, input: { images, settings, verdicts } }
}

function subsetIndices(
  gt: readonly StoredFace[],
  byFace: ReadonlyMap<number, WiderSetting[]>,
  settings: readonly WiderSetting[],
): Partial<Record<WiderSetting, number[]>> {
  const out: Partial<Record<WiderSetting, number[]>> = {}
  for (const s of settings) out[s] = []
  gt.forEach((face, i) => {
    for (const s of byFace.get(face.id) ?? []) out[s]?.push(i)
  })
  return out
}

function requireSet(db: Db, id: number): LabelSetRecord {
  const set = getLabelSet(db, id)
  if (!set) throw new ReviewRequestError(`No label set ${id} in this store.`)
  return set
}
