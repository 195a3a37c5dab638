import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { Box, WiderAttributes } from '../../shared/face'
import { readMat, type MatValue } from './mat'

/** The official difficulty settings, each a `wider_<setting>_val.mat` with a `gt_list`. */
export const WIDER_SETTINGS = ['easy', 'medium', 'hard'] as const
export type WiderSetting = (typeof WIDER_SETTINGS)[number]

/** One val image as the official evaluation files describe it. */
export interface WiderMatImage {
  event: string
  /** File name without extension, as in `file_list`. */
  name: string
  /** `event/name.jpg`, the form of the bbx_gt.txt and prediction folders. */
  path: string
  boxes: Box[]
  attributes: WiderAttributes[]
  /** Per setting, the 0-based indices into `boxes` of the faces that count. */
  counted: Partial<Record<WiderSetting, number[]>>
}

/**
 * Read `wider_face_val.mat` and whichever of `wider_{easy,medium,hard}_val.mat` are in `dir`.
 * Images come in the order of the .mat files (event by event).
 */
export function readWiderMat(dir: string): WiderMatImage[] {
  const main = readMat(readFileSync(join(dir, 'wider_face_val.mat')))
  const events = cells(need(main, 'event_list'))
  const files = cells(need(main, 'file_list'))
  const boxes = cells(need(main, 'face_bbx_list'))
  const attr = (key: string) => cells(need(main, `${key}_label_list`)).map(cells)

  const labels = {
    blur: attr('blur'),
    expression: attr('expression'),
    illumination: attr('illumination'),
    invalid: attr('invalid'),
    occlusion: attr('occlusion'),
    pose: attr('pose'),
  }
  const subsets = new Map<WiderSetting, MatValue[][]>()
  for (const setting of WIDER_SETTINGS) {
    const file = join(dir, `wider_${setting}_val.mat`)
    if (existsSync(file))
      subsets.set(setting, cells(need(readMat(readFileSync(file)), 'gt_list')).map(cells))
  }

  const images: WiderMatImage[] = []
  events.forEach((eventValue, e) => {
    const event = chars(eventValue)
    const names = cells(files[e])
    const eventBoxes = cells(boxes[e])

    names.forEach((nameValue, i) => {
      const name = chars(nameValue)
      const values = numeric(eventBoxes[i])
      const count = values.dims[0] === 0 || values.real.length === 0 ? 0 : values.dims[0]
      const at = (row: number, col: number) => values.real[col * count + row]

      const image: WiderMatImage = {
        event,
        name,
        path: `${event}/${name}.jpg`,
        boxes: [],
        attributes: [],
        counted: {},
      }
      for (let f = 0; f < count; f++) {
        image.boxes.push({ x: at(f, 0), y: at(f, 1), width: at(f, 2), height: at(f, 3) })
        const label = (list: MatValue[][]) => numeric(list[e][i]).real[f] ?? 0
        image.attributes.push({
          blur: label(labels.blur) as WiderAttributes['blur'],
          expression: label(labels.expression) as WiderAttributes['expression'],
          illumination: label(labels.illumination) as WiderAttributes['illumination'],
          invalid: label(labels.invalid) === 1,
          occlusion: label(labels.occlusion) as WiderAttributes['occlusion'],
          pose: label(labels.pose) as WiderAttributes['pose'],
        })
      }
      for (const [setting, lists] of subsets) {
        // gt_list holds MATLAB's 1-based indices.
        image.counted[setting] = Array.from(numeric(lists[e][i]).real, (k) => k - 1)
      }
      images.push(image)
    })
  })
  return images
}

function need(vars: Map<string, MatValue>, name: string): MatValue {
  const value = vars.get(name)
  if (!value)
    throw new Error(`WIDER ground truth lacks "${name}"; is this the official wider_*_val.mat?`)
  return value
}

function cells(value: MatValue): MatValue[] {
  if (value.type !== 'cell') throw new Error(`expected a cell array, found ${value.type}`)
  return value.cells
}

function chars(value: MatValue): string {
  if (value.type !== 'char') throw new Error(`expected a char array, found ${value.type}`)
  return value.text
}

function numeric(value: MatValue): Extract<MatValue, { type: 'numeric' }> {
  if (value.type !== 'numeric') throw new Error(`expected a numeric array, found ${value.type}`)
  return value
}
