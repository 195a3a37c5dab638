import type { Box, Landmark, WiderAttributes } from '../../shared/face'
import type { ReviewOptions, ReviewReport, SettingSummary, Verdict } from '../../shared/review'
import { evaluateNme, type NmeResult } from '../eval/nme'
import { ALL_SETTING } from '../eval/wider-inputs'
import type { WiderSetting } from '../eval/wider-mat'
import { evaluateWider, type ProtocolImage } from '../eval/wider-protocol'
import { classifyFaces } from './classify'

/** A face as the comparison needs it; StoredFace satisfies it. */
export interface ReviewFace {
  id: number
  box: Box
  /** Null for faces stored without a score (drawn or imported): they rank as 1. */
  score: number | null
  landmarks: readonly Landmark[]
  attributes: WiderAttributes
}

/** One image of a comparison: the ground truth and the faces judged against it. */
export interface ReviewImage {
  imageId: number
  relPath: string
  gt: readonly ReviewFace[]
  /** Per WIDER setting, the indices into `gt` of the faces it counts; absent without subsets. */
  subsets?: Partial<Record<WiderSetting, readonly number[]>>
  predictions: readonly ReviewFace[]
}

/** What to compare: images, the WIDER settings the ground truth carries, and verdicts. */
export interface CompareInput {
  images: readonly ReviewImage[]
  /** WIDER settings whose subsets every image carries; empty for one `all` setting. */
  settings: readonly WiderSetting[]
  /** Verdicts by face id, for faces of either side. */
  verdicts: ReadonlyMap<number, Verdict>
}

/** The report without the label set records, which only the store knows. */
export type CompareResult = Omit<ReviewReport, 'predSet' | 'gtSet'>

/** IoU thresholds of the COCO-style range: 0.50, 0.55 … 0.95. */
export const IOU_RANGE = Array.from(
  { length: 10 },
  (_, i) => Math.round((0.5 + i * 0.05) * 100) / 100,
)

const rangeSetting = (iou: number) => `${ALL_SETTING}@${iou.toFixed(2)}`

/**
 * Compare predictions with ground truth image by image under the official WIDER protocol
 * (src/main/eval), then class every face, measure landmark error on matched faces and
 * gather the error cases. AP always uses every prediction, as the protocol does; the classes
 * and cases are those at the operating point (`scoreThreshold`).
 */
export function compareFaces(input: CompareInput, options: ReviewOptions): CompareResult {
  const subsets = input.settings.length > 0
  const settings: string[] = subsets ? [...input.settings] : [ALL_SETTING]
  const primarySetting = subsets ? (input.settings.at(-1) as string) : ALL_SETTING

  // The range settings ride along in the same run: one sort and one match per image.
  const ranged = subsets ? [] : IOU_RANGE.map(rangeSetting)
  const settingIou = Object.fromEntries(IOU_RANGE.map((iou) => [rangeSetting(iou), iou]))
  const protocolImages = input.images.map((image) => toProtocol(image, input, options, false))
  const protocol = evaluateWider(protocolImages, [...settings, ...ranged], {
    iouThreshold: options.iouThreshold,
    settingIou,
  })

  const bySetting = new Map(protocol.settings.map((s) => [s.setting, s]))
  const summaries: SettingSummary[] = settings.map((setting) => {
    const s = bySetting.get(setting)!
    return {
      setting,
      ap: s.ap,
      countedFaces: s.countedFaces,
      recall: Array.from(s.recall),
      precision: Array.from(s.precision),
    }
  })
  const apByIou = ranged.map((setting, i) => ({
    iou: IOU_RANGE[i],
    ap: bySetting.get(setting)!.ap,
  }))
  const apRange = subsets ? null : apByIou.reduce((sum, p) => sum + p.ap, 0) / apByIou.length

  const nme = landmarkError(input.images, options)
  const classified = classifyFaces(input, protocol.images, primarySetting, nme, options)
  const verdicts = countVerdicts(input)

  return {
    options,
    images: input.images.length,
    widerSubsets: subsets,
    primarySetting,
    settings: summaries,
    apByIou,
    apRange,
    counts: classified.counts,
    nme: nme && {
      mean: nme.mean,
      failureRate: nme.failureRate,
      matchedFaces: nme.faces.length,
      unmatched: nme.unmatched,
      perLandmark: nme.perLandmark,
      ced: nme.ced,
    },
    verdicts,
    adjustedAp: verdicts.gtWrong > 0 ? adjustedAp(input, settings, options) : null,
    imageCounts: classified.imageCounts,
    cases: classified.cases,
  }
}

/** Whether a ground-truth face is below the configured size, and so ignored like an invalid one. */
export function isTiny(box: Box, minFaceSize: number): boolean {
  return minFaceSize > 0 && Math.min(box.width, box.height) < minFaceSize
}

/**
 * Protocol inputs of one image. With `adjust`, faces judged "ground truth wrong" leave the
 * counts: a ground-truth face stops counting, and a prediction (a real face the ground
 * truth lacks) is dropped.
 */
function toProtocol(
  image: ReviewImage,
  input: CompareInput,
  options: ReviewOptions,
  adjust: boolean,
): ProtocolImage {
  const keep = (face: ReviewFace) => !(adjust && input.verdicts.get(face.id) === 'gt_wrong')
  const counts = (i: number) => keep(image.gt[i]) && !isTiny(image.gt[i].box, options.minFaceSize)

  const counted: Record<string, number[]> = {}
  if (input.settings.length > 0) {
    for (const s of input.settings) counted[s] = (image.subsets?.[s] ?? []).filter(counts)
  } else {
    const valid = image.gt.flatMap((face, i) => (!face.attributes.invalid && counts(i) ? [i] : []))
    counted[ALL_SETTING] = valid
    for (const iou of IOU_RANGE) counted[rangeSetting(iou)] = valid
  }

  return {
    key: image.relPath,
    gt: image.gt.map((f) => f.box),
    counted,
    predictions: image.predictions.filter(keep).map((f) => ({ box: f.box, score: f.score ?? 1 })),
  }
}

/** NME over the images whose ground truth has landmarks; null when none has any. */
function landmarkError(images: readonly ReviewImage[], options: ReviewOptions): NmeResult | null {
  const withLandmarks = images.filter((image) => image.gt.some((f) => f.landmarks.length > 0))
  if (withLandmarks.length === 0) return null
  return evaluateNme(
    withLandmarks.map((image) => ({
      key: String(image.imageId),
      gt: image.gt,
      predictions: image.predictions.map((f) => ({
        box: f.box,
        score: f.score ?? 1,
        landmarks: f.landmarks,
      })),
    })),
    { iouThreshold: options.iouThreshold, failureThreshold: options.failureThreshold },
  )
}

function countVerdicts(input: CompareInput): CompareResult['verdicts'] {
  if (input.verdicts.size === 0) return { gtWrong: 0, detectorWrong: 0 }
  const ids = new Set<number>()
  for (const image of input.images) {
    for (const f of image.gt) ids.add(f.id)
    for (const f of image.predictions) ids.add(f.id)
  }
  let gtWrong = 0
  let detectorWrong = 0
  for (const [id, verdict] of input.verdicts) {
    if (!ids.has(id)) continue
    if (verdict === 'gt_wrong') gtWrong++
    else detectorWrong++
  }
  return { gtWrong, detectorWrong }
}

/** AP again with the "ground truth wrong" cases left out. */
function adjustedAp(
  input: CompareInput,
  settings: string[],
  options: ReviewOptions,
): CompareResult['adjustedAp'] {
  const images = input.images.map((image) => toProtocol(image, input, options, true))
  const result = evaluateWider(images, settings, { iouThreshold: options.iouThreshold })
  return result.settings.map(({ setting, ap }) => ({ setting, ap }))
}
