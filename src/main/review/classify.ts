import { boxArea } from '../../shared/geometry'
import {
  sizeBand,
  type CaseKind,
  type ReviewCase,
  type ReviewCounts,
  type ReviewImageCounts,
  type ReviewOptions,
} from '../../shared/review'
import type { NmeResult } from '../eval/nme'
import { widerIou, type ImageMatches } from '../eval/wider-protocol'
import type { CompareInput, ReviewFace, ReviewImage } from './compare'

/** Per-face classes at the operating point, as counts, per-image counts and error cases. */
export interface Classified {
  counts: ReviewCounts
  imageCounts: ReviewImageCounts[]
  cases: ReviewCase[]
}

/**
 * Class every face from the protocol's outcomes in `setting`, keeping only predictions at or
 * above the score threshold. The protocol matches in descending score order, so the outcome
 * of each such prediction is exactly what a run on those predictions alone would give; a
 * ground-truth face counts as found when the prediction that recalled it clears the threshold.
 */
export function classifyFaces(
  input: CompareInput,
  matches: readonly ImageMatches[],
  setting: string,
  nme: NmeResult | null,
  options: ReviewOptions,
): Classified {
  const counts: ReviewCounts = {
    tp: 0,
    fp: 0,
    duplicate: 0,
    miss: 0,
    ignoredPredictions: 0,
    ignoredGt: 0,
    belowThreshold: 0,
  }
  const cases: ReviewCase[] = []
  const imageCounts: ReviewImageCounts[] = []
  const landmarkCases = landmarkFailures(input, nme, options)

  input.images.forEach((image, i) => {
    const match = matches[i]
    const outcome = match.bySetting[setting]
    const tally: ReviewImageCounts = {
      imageId: image.imageId,
      relPath: image.relPath,
      fp: 0,
      duplicate: 0,
      miss: 0,
      landmarks: 0,
      errors: 0,
    }
    const add = (c: CaseCore) => {
      // Size is the ground truth's where the case has one: it is what the detector faced.
      const gtBox = c.kind === 'miss' ? c.box : c.kind === 'fp' ? null : c.otherBox
      const size = Math.sqrt(boxArea(gtBox ?? c.box))
      // One literal in field order: a spread per case costs seconds at 100,000 cases.
      cases.push({
        kind: c.kind,
        imageId: image.imageId,
        relPath: image.relPath,
        faceId: c.faceId,
        otherFaceId: c.otherFaceId,
        box: c.box,
        otherBox: c.otherBox,
        score: c.score,
        iou: c.iou,
        nme: c.nme,
        size,
        sizeBand: sizeBand(size),
        attributes: c.attributes,
        verdict: input.verdicts.get(c.faceId) ?? null,
      })
      tally[c.kind]++
      tally.errors++
    }

    // Which score recalled each ground-truth face (the first TP on it, the highest score).
    const recalledAt = new Float64Array(image.gt.length).fill(-Infinity)
    for (let j = 0; j < image.predictions.length; j++) {
      const p = image.predictions[j]
      const cls = outcome.predictions[j]
      const score = p.score ?? 1
      if (cls === 'tp') recalledAt[match.gtIndex[j]] = Math.max(recalledAt[match.gtIndex[j]], score)
      if (score < options.scoreThreshold) {
        counts.belowThreshold++
        continue
      }
      if (cls === 'tp') counts.tp++
      else if (cls === 'ignored') counts.ignoredPredictions++
      else {
        counts[cls]++
        add(predictionCase(cls, p, image, match.gtIndex[j], match.iou[j]))
      }
    }

    image.gt.forEach((g, k) => {
      if (outcome.gt[k] === 'ignored') counts.ignoredGt++
      else if (recalledAt[k] < options.scoreThreshold) {
        counts.miss++
        add(missCase(g, image, options.scoreThreshold))
      }
    })

    for (const c of landmarkCases.get(image.imageId) ?? []) add(c)
    imageCounts.push(tally)
  })

  return { counts, imageCounts, cases }
}

type CaseCore = Omit<ReviewCase, 'imageId' | 'relPath' | 'verdict' | 'size' | 'sizeBand'>

function predictionCase(
  kind: CaseKind,
  p: ReviewFace,
  image: ReviewImage,
  gtIndex: number,
  iou: number,
): CaseCore {
  // A false positive shows its closest ground truth only if they overlap at all.
  const other = gtIndex >= 0 && iou > 0 ? image.gt[gtIndex] : null
  return {
    kind,
    faceId: p.id,
    otherFaceId: other?.id ?? null,
    box: p.box,
    otherBox: other?.box ?? null,
    score: p.score,
    iou: other ? iou : null,
    nme: null,
    attributes: other && kind === 'duplicate' ? other.attributes : p.attributes,
  }
}

/** A missed face, with the closest prediction above the threshold (the near miss), if any. */
function missCase(g: ReviewFace, image: ReviewImage, scoreThreshold: number): CaseCore {
  let best: ReviewFace | null = null
  let bestIou = 0
  for (const p of image.predictions) {
    if ((p.score ?? 1) < scoreThreshold) continue
    const iou = widerIou(g.box, p.box)
    if (iou > bestIou) {
      best = p
      bestIou = iou
    }
  }
  return {
    kind: 'miss',
    faceId: g.id,
    otherFaceId: best?.id ?? null,
    box: g.box,
    otherBox: best?.box ?? null,
    score: null,
    iou: best ? bestIou : null,
    nme: null,
    attributes: g.attributes,
  }
}

/** Matched faces whose landmark NME exceeds the failure threshold, grouped by image id. */
function landmarkFailures(
  input: CompareInput,
  nme: NmeResult | null,
  options: ReviewOptions,
): Map<number, CaseCore[]> {
  const byImage = new Map<number, CaseCore[]>()
  if (!nme) return byImage
  const images = new Map(input.images.map((image) => [String(image.imageId), image]))

  for (const face of nme.faces) {
    if (!(face.nme > options.failureThreshold)) continue
    const image = images.get(face.key)!
    const gt = image.gt[face.gtIndex]
    const p = image.predictions[face.predictionIndex]
    const core: CaseCore = {
      kind: 'landmarks',
      faceId: p.id,
      otherFaceId: gt.id,
      box: p.box,
      otherBox: gt.box,
      score: p.score,
      iou: widerIou(p.box, gt.box),
      nme: face.nme,
      attributes: gt.attributes,
    }
    const list = byImage.get(image.imageId)
    if (list) list.push(core)
    else byImage.set(image.imageId, [core])
  }
  return byImage
}
