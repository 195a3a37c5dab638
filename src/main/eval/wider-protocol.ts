import type { Box } from '../../shared/face'

/**
 * A port of the official WIDER FACE evaluation (MATLAB `eval_tools/wider_eval.m`, and the
 * Python port used by Pytorch_Retinaface), kept faithful down to its quirks:
 * - IoU with the legacy "+1 pixel" convention on x2 = x + w;
 * - per image, predictions in descending score order each take their max-IoU GT; at IoU ≥ 0.5
 *   a GT outside the setting's gt_list makes the prediction neither TP nor FP;
 * - scores min-max normalised over all predictions, with min starting at 1 and max at 0;
 * - images without GT or without predictions add nothing to the PR sums (their counted faces
 *   still add to the recall denominator);
 * - 1000 thresholds, VOC AP over the monotone precision envelope.
 * It deviates only where the original divides by zero: equal scores everywhere normalise to 1
 * (the original yields NaN and AP 0), and a setting without counted faces has AP 0.
 */

/** A detection with its confidence. */
export interface ScoredBox {
  box: Box
  score: number
}

/** One image of the evaluation: ground truth, which GT faces count per setting, predictions. */
export interface ProtocolImage {
  /** `event/name`, used only to label the results. */
  key: string
  gt: readonly Box[]
  /** Per setting name, the 0-based indices of the GT faces that count in it. */
  counted: Readonly<Record<string, readonly number[]>>
  /** Any order; they are sorted by descending score first, ties keeping their order. */
  predictions: readonly ScoredBox[]
}

export interface ProtocolOptions {
  /** 0.5 in the official protocol. */
  iouThreshold?: number
  /** 1000 in the official protocol. */
  thresholds?: number
  /**
   * A different IoU threshold for some settings, so AP over an IoU range (COCO's 0.5:0.95)
   * reuses one sort and one max-IoU match per image instead of a full run per threshold.
   */
  settingIou?: Readonly<Record<string, number>>
}

/** The PR curve of one setting, one point per threshold, thresholds descending. */
export interface SettingResult {
  setting: string
  ap: number
  /** GT faces that count in this setting (the recall denominator). */
  countedFaces: number
  thresholds: Float64Array
  precision: Float64Array
  recall: Float64Array
}

export type PredictionOutcome = 'tp' | 'fp' | 'ignored' | 'duplicate'
export type GtOutcome = 'tp' | 'miss' | 'ignored'

/** What happened to every face of one image in one setting, over all predictions. */
export interface ImageOutcome {
  /** In the caller's prediction order. */
  predictions: PredictionOutcome[]
  gt: GtOutcome[]
}

/** Setting-independent match of each prediction (caller's order). */
export interface ImageMatches {
  key: string
  /** False when the official protocol skips the image (no GT or no predictions). */
  scored: boolean
  /** The max-IoU GT index, or -1 when the image has no GT. */
  gtIndex: Int32Array
  /** That IoU, in the +1 pixel convention. */
  iou: Float64Array
  bySetting: Record<string, ImageOutcome>
}

export interface ProtocolResult {
  settings: SettingResult[]
  images: ImageMatches[]
}

// Per-prediction states of the official matching; 0, the array default, is a false positive.
const TP = 1
const IGNORED = 2
const DUPLICATE = 3
const PRED_NAMES: PredictionOutcome[] = ['fp', 'tp', 'ignored', 'duplicate']

/** Evaluate the given settings (e.g. easy, medium, hard) over all images. */
export function evaluateWider(
  images: readonly ProtocolImage[],
  settings: readonly string[],
  options: ProtocolOptions = {},
): ProtocolResult {
  const iouThreshold = options.iouThreshold ?? 0.5
  const steps = options.thresholds ?? 1000
  const thresholds = Float64Array.from({ length: steps }, (_, t) => 1 - (t + 1) / steps)
  const normalise = scoreNormaliser(images)

  // Per setting: how much each threshold adds to the proposal and recall sums.
  const addProposals = settings.map(() => new Float64Array(steps + 1))
  const addRecalls = settings.map(() => new Float64Array(steps + 1))
  const countedFaces = settings.map(() => 0)
  const results: ImageMatches[] = []

  for (const image of images) {
    settings.forEach((s, k) => (countedFaces[k] += image.counted[s]?.length ?? 0))
    const order = descendingOrder(image.predictions)
    const match = maxIouMatch(image, order)
    const scored = image.gt.length > 0 && image.predictions.length > 0
    const firstStep = firstThresholdSteps(image, order, normalise, thresholds)

    const bySetting: Record<string, ImageOutcome> = {}
    settings.forEach((setting, k) => {
      const states = matchSetting(
        image.gt.length,
        image.counted[setting] ?? [],
        match,
        options.settingIou?.[setting] ?? iouThreshold,
      )
      if (scored) accumulate(states.pred, firstStep, addProposals[k], addRecalls[k])
      bySetting[setting] = outcomes(states, order)
    })
    results.push({ key: image.key, scored, ...unsort(match, order), bySetting })
  }

  const settingResults = settings.map((setting, k) => {
    const { precision, recall } = curve(addProposals[k], addRecalls[k], countedFaces[k], steps)
    const ap = countedFaces[k] > 0 ? vocAp(recall, precision) : 0
    return { setting, ap, countedFaces: countedFaces[k], thresholds, precision, recall }
  })
  return { settings: settingResults, images: results }
}

/**
 * The official min-max normalisation over every prediction. Its running min starts at 1 and
 * its max at 0, so scores already in [0, 1] are stretched only from inside that range.
 */
function scoreNormaliser(images: readonly ProtocolImage[]): (score: number) => number {
  let min = 1
  let max = 0
  for (const image of images) {
    for (const { score } of image.predictions) {
      if (score < min) min = score
      if (score > max) max = score
    }
  }
  const diff = max - min
  return diff > 0 ? (score) => (score - min) / diff : () => 1
}

/** Indices of the predictions by descending score; a stable sort keeps file order on ties. */
function descendingOrder(predictions: readonly ScoredBox[]): Int32Array {
  const order = Int32Array.from({ length: predictions.length }, (_, i) => i)
  return order.sort((a, b) => predictions[b].score - predictions[a].score || a - b)
}

interface Match {
  /** Sorted position → max-IoU GT index (-1 without GT). */
  gtIndex: Int32Array
  iou: Float64Array
}

/** Each prediction's best GT, once per image: it does not depend on the setting. */
function maxIouMatch(image: ProtocolImage, order: Int32Array): Match {
  const g = image.gt.length
  const gx1 = new Float64Array(g)
  const gy1 = new Float64Array(g)
  const gx2 = new Float64Array(g)
  const gy2 = new Float64Array(g)
  const garea = new Float64Array(g)
  image.gt.forEach((b, i) => {
    gx1[i] = b.x
    gy1[i] = b.y
    gx2[i] = b.x + b.width
    gy2[i] = b.y + b.height
    garea[i] = (gx2[i] - gx1[i] + 1) * (gy2[i] - gy1[i] + 1)
  })

  const gtIndex = new Int32Array(order.length).fill(-1)
  const iou = new Float64Array(order.length)
  for (let j = 0; j < order.length; j++) {
    const { box } = image.predictions[order[j]]
    const x1 = box.x
    const y1 = box.y
    const x2 = box.x + box.width
    const y2 = box.y + box.height
    const area = (x2 - x1 + 1) * (y2 - y1 + 1)

    let best = -1
    let bestIou = -1
    for (let i = 0; i < g; i++) {
      let overlap = 0
      const iw = Math.min(x2, gx2[i]) - Math.max(x1, gx1[i]) + 1
      if (iw > 0) {
        const ih = Math.min(y2, gy2[i]) - Math.max(y1, gy1[i]) + 1
        const union = area + garea[i] - iw * ih
        // Degenerate boxes can make the union empty; the original would divide by zero.
        if (ih > 0 && union > 0) overlap = (iw * ih) / union
      }
      // Strictly greater: the first maximum wins, as with argmax / max.
      if (overlap > bestIou) {
        bestIou = overlap
        best = i
      }
    }
    gtIndex[j] = best
    iou[j] = Math.max(0, bestIou)
  }
  return { gtIndex, iou }
}

/**
 * IoU of two boxes as the official code computes it: x2 = x + w and areas with the legacy
 * "+1 pixel", 0 when they do not overlap or the union is empty.
 */
export function widerIou(a: Box, b: Box): number {
  const iw = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) + 1
  const ih = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) + 1
  if (iw <= 0 || ih <= 0) return 0
  const union = (a.width + 1) * (a.height + 1) + (b.width + 1) * (b.height + 1) - iw * ih
  return union > 0 ? (iw * ih) / union : 0
}

/** For each sorted prediction, the first threshold step at which it is above the cut. */
function firstThresholdSteps(
  image: ProtocolImage,
  order: Int32Array,
  normalise: (score: number) => number,
  thresholds: Float64Array,
): Int32Array {
  const steps = thresholds.length
  const first = new Int32Array(order.length)
  for (let j = 0; j < order.length; j++) {
    const s = normalise(image.predictions[order[j]].score)
    // Estimate, then settle on the exact float comparisons the original makes.
    let t = Math.min(steps - 1, Math.max(0, Math.ceil((1 - s) * steps) - 1))
    while (t > 0 && s >= thresholds[t - 1]) t--
    while (t < steps && !(s >= thresholds[t])) t++
    first[j] = t
  }
  return first
}

interface SettingStates {
  /** Per sorted prediction: FP, TP, IGNORED or DUPLICATE. */
  pred: Uint8Array
  /** Per GT: 1 recalled, -1 ignored (not counted, or matched while not counted), 0 missed. */
  gt: Int8Array
  counted: Uint8Array
}

/** The official per-image matching for one setting, predictions in descending score order. */
function matchSetting(
  gtCount: number,
  countedIndices: readonly number[],
  match: Match,
  iouThreshold: number,
): SettingStates {
  const counted = new Uint8Array(gtCount)
  for (const i of countedIndices) counted[i] = 1
  const gt = new Int8Array(gtCount)
  const pred = new Uint8Array(match.gtIndex.length)

  for (let j = 0; j < pred.length; j++) {
    const i = match.gtIndex[j]
    if (i < 0 || match.iou[j] < iouThreshold) continue
    if (!counted[i]) {
      gt[i] = -1
      pred[j] = IGNORED
    } else if (gt[i] === 0) {
      gt[i] = 1
      pred[j] = TP
    } else {
      pred[j] = DUPLICATE
    }
  }
  return { pred, gt, counted }
}

/**
 * Add one image to the sums. A prediction enters at its first threshold step and stays for all
 * lower thresholds, so per-step deltas plus one prefix sum replace the per-threshold loop.
 */
function accumulate(
  pred: Uint8Array,
  firstStep: Int32Array,
  addProposals: Float64Array,
  addRecalls: Float64Array,
): void {
  for (let j = 0; j < pred.length; j++) {
    const t = firstStep[j]
    if (pred[j] !== IGNORED) addProposals[t] += 1
    if (pred[j] === TP) addRecalls[t] += 1
  }
}

function curve(addProposals: Float64Array, addRecalls: Float64Array, faces: number, steps: number) {
  const precision = new Float64Array(steps)
  const recall = new Float64Array(steps)
  let proposals = 0
  let recalled = 0
  for (let t = 0; t < steps; t++) {
    proposals += addProposals[t]
    recalled += addRecalls[t]
    // 0/0 is NaN in the original; it only occurs where recall is 0, which adds nothing to AP.
    precision[t] = proposals > 0 ? recalled / proposals : 0
    recall[t] = faces > 0 ? recalled / faces : 0
  }
  return { precision, recall }
}

/** VOC AP: precision made monotone from the right, summed over the recall change points. */
export function vocAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  const n = recall.length
  const mrec = new Float64Array(n + 2)
  const mpre = new Float64Array(n + 2)
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = recall[i]
    mpre[i + 1] = precision[i]
  }
  mrec[n + 1] = 1

  for (let i = n; i >= 0; i--) mpre[i] = Math.max(mpre[i], mpre[i + 1])
  let ap = 0
  for (let i = 0; i <= n; i++) {
    if (mrec[i + 1] !== mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1]
  }
  return ap
}

function outcomes(states: SettingStates, order: Int32Array): ImageOutcome {
  const predictions = new Array<PredictionOutcome>(order.length)
  for (let j = 0; j < order.length; j++) predictions[order[j]] = PRED_NAMES[states.pred[j]]

  const gt = new Array<GtOutcome>(states.gt.length)
  for (let i = 0; i < gt.length; i++) {
    gt[i] = !states.counted[i] ? 'ignored' : states.gt[i] === 1 ? 'tp' : 'miss'
  }
  return { predictions, gt }
}

function unsort(match: Match, order: Int32Array): { gtIndex: Int32Array; iou: Float64Array } {
  const gtIndex = new Int32Array(order.length)
  const iou = new Float64Array(order.length)
  for (let j = 0; j < order.length; j++) {
    gtIndex[order[j]] = match.gtIndex[j]
    iou[order[j]] = match.iou[j]
  }
  return { gtIndex, iou }
}
