import type { FaceRecord } from '../formats/labelled-image'
import type { ImageRecord, ImageStatus } from '../../shared/records'
import type { WiderAttributes } from '../../shared/face'
import { mulberry32 } from '../../shared/random'

/** Which images and faces an export keeps. Every field is optional: no filter keeps all. */
export interface ExportFilter {
  /** Keep only images in one of these review states. */
  status?: ImageStatus[]
  /** Drop faces whose shorter box side is below this many pixels. */
  minFaceSize?: number
  /** Drop faces flagged invalid (WIDER's "too small or ambiguous"). */
  dropInvalid?: boolean
  /** Drop faces with an attribute above its maximum, e.g. `{ blur: 1, occlusion: 1 }`. */
  maxAttributes?: Partial<Record<Exclude<keyof WiderAttributes, 'invalid'>, number>>
}

/**
 * How images are divided. `random` shuffles images with a seeded generator; `event` keeps
 * every WIDER event folder (`12--Group/…`) in one split, so near-duplicate photos of one
 * event never land on both sides.
 */
export interface SplitOptions {
  by: 'random' | 'event'
  /** Fractions for train / val / test; normalised, a zero share gives no split. */
  ratios: { train: number; val: number; test: number }
  seed: number
}

export const SPLIT_NAMES = ['train', 'val', 'test'] as const
export type SplitName = (typeof SPLIT_NAMES)[number]

/** Whether the filter keeps this face. */
export function keepFace(face: FaceRecord, filter: ExportFilter): boolean {
  if (filter.dropInvalid && face.attributes.invalid) return false
  if (filter.minFaceSize && Math.min(face.box.width, face.box.height) < filter.minFaceSize) {
    return false
  }
  for (const [key, max] of Object.entries(filter.maxAttributes ?? {})) {
    if (max !== undefined && face.attributes[key as keyof typeof filter.maxAttributes] > max) {
      return false
    }
  }
  return true
}

/** Whether the filter keeps this image at all. */
export function keepImage(image: ImageRecord, filter: ExportFilter): boolean {
  return !filter.status?.length || filter.status.includes(image.status)
}

/**
 * The split of each item, keyed by index. Deterministic for a seed: the same dataset and seed
 * always give the same split, whatever order the store lists images in.
 */
export function assignSplits<T extends { path: string }>(
  items: readonly T[],
  options: SplitOptions,
): SplitName[] {
  const keyOf = (item: T) => (options.by === 'event' ? eventOf(item.path) : item.path)
  const groups = new Map<string, number[]>()
  items.forEach((item, i) => {
    const key = keyOf(item)
    const list = groups.get(key)
    if (list) list.push(i)
    else groups.set(key, [i])
  })

  const keys = [...groups.keys()].sort()
  shuffle(keys, mulberry32(options.seed))

  const { train, val, test } = options.ratios
  const sum = train + val + test
  if (!(sum > 0)) throw new Error('split ratios must add up to more than 0')
  const bounds = [train / sum, (train + val) / sum]

  const result = new Array<SplitName>(items.length)
  let placed = 0
  for (const key of keys) {
    // A group goes where the running share of images stands at its middle, so with few large
    // groups each split still gets the ones closest to its share.
    const size = groups.get(key)!.length
    const at = (placed + size / 2) / items.length
    const split: SplitName = at < bounds[0] ? 'train' : at < bounds[1] ? 'val' : 'test'
    for (const i of groups.get(key)!) result[i] = split
    placed += size
  }
  return result
}

/** `12--Group/12_Group_x.jpg` → `12--Group`; a path without folder is its own event. */
export function eventOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash >= 0 ? path.slice(0, slash) : path
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j], items[i]]
  }
}
