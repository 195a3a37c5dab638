import { decodeImage } from '../detect/image'
import { runPass, zeroTimings } from '../detect/pass'
import { planLetterbox, prepareInput, type InputPlan } from '../detect/preprocess'
import { priorCount } from '../detect/priors'
import { runAll, withSession } from '../detect/session'
import { getManifest } from './manifest'

/** What the check after a derivation measured. */
export interface DerivedCheck {
  /** What was fed: a photo, or the deterministic pattern used when none is given. */
  input: string
  /** Largest absolute difference of any output value at 640x640 (must be 0). */
  maxAbsDiffAt640: number
  /** Per other input size: the rows the model gave and the faces (score >= 0.5) found. */
  sizes: { width: number; height: number; rows: number; faces: number | null }[]
}

/** Sizes the check runs at besides 640x640: a native WIDER photo and an odd, unpadded size. */
export const CHECK_SIZES = [
  { width: 1024, height: 695 },
  { width: 641, height: 481 },
]

/**
 * Check a derived dynamic model against its fixed parent: at 640x640 every output must equal
 * the parent's exactly (same weights, same ops); at other sizes it must run and give the row
 * count the priors predict, and on a photo it must find faces. Without a photo a fixed
 * pseudo-random pattern is fed, which still proves the graph edit but not detection quality.
 *
 * @throws Error naming the size and what differed.
 */
export async function verifyDerived(
  parentPath: string,
  derivedPath: string,
  imagePath?: string,
): Promise<DerivedCheck> {
  const fixed = getManifest('retinaface-mnet025')
  const dynamic = getManifest('retinaface-mnet025-dynamic')
  const image = imagePath ? await decodeImage(imagePath) : pattern(1024, 695)
  const plan640 = planLetterbox(image.width, image.height, 640)
  const tensor = await prepareInput(image.rgb, image.width, image.height, plan640, fixed.input.mean)

  const expected = await withSession(parentPath, (s) => runAll(s, fixed, tensor, 640, 640))
  const check: DerivedCheck = { input: imagePath ?? 'pattern', maxAbsDiffAt640: 0, sizes: [] }

  await withSession(derivedPath, async (session) => {
    const actual = await runAll(session, dynamic, tensor, 640, 640)
    for (const [name, { data }] of Object.entries(expected)) {
      const other = actual[name]?.data
      if (!other || other.length !== data.length) {
        throw new Error(`derived model output ${name} differs in size at 640x640`)
      }
      for (let i = 0; i < data.length; i++) {
        check.maxAbsDiffAt640 = Math.max(check.maxAbsDiffAt640, Math.abs(data[i] - other[i]))
      }
    }
    if (check.maxAbsDiffAt640 !== 0) {
      throw new Error(
        `derived model differs from ${fixed.file} at 640x640 (max |diff| ` +
          `${check.maxAbsDiffAt640}); the graph edit is wrong`,
      )
    }

    for (const size of CHECK_SIZES) check.sizes.push(await atSize(session, image, size, !imagePath))
  })
  return check
}

async function atSize(
  session: Parameters<typeof runAll>[0],
  image: { rgb: Buffer; width: number; height: number },
  size: { width: number; height: number },
  synthetic: boolean,
): Promise<DerivedCheck['sizes'][number]> {
  const dynamic = getManifest('retinaface-mnet025-dynamic')
  const plan: InputPlan = {
    resizedWidth: size.width,
    resizedHeight: size.height,
    tensorWidth: size.width,
    tensorHeight: size.height,
    scale: size.width / image.width,
  }
  const settings = { scoreThreshold: 0.5, nmsIou: 0.4, topK: 5000, keep: 750 }
  const faces = await runPass(session, dynamic, image, plan, settings, zeroTimings())
  const rows = priorCount(dynamic.priors, size.width, size.height)
  const tensor = await prepareInput(image.rgb, image.width, image.height, plan, dynamic.input.mean)
  const outputs = await runAll(session, dynamic, tensor, size.width, size.height)
  const given = outputs[dynamic.outputs.loc].data.length / 4
  if (given !== rows) {
    throw new Error(`derived model gave ${given} rows at ${size.width}x${size.height}, not ${rows}`)
  }
  if (!synthetic && faces.scores.length === 0) {
    throw new Error(`derived model found no face at ${size.width}x${size.height}`)
  }
  return { ...size, rows, faces: synthetic ? null : faces.scores.length }
}

/** A fixed, deterministic RGB pattern (xorshift noise over a gradient). */
function pattern(width: number, height: number) {
  const rgb = Buffer.alloc(width * height * 3)
  let x = 2463534242
  for (let i = 0; i < rgb.length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    rgb[i] = ((x >>> 0) % 64) + ((i / 3) % width) / 8
  }
  return { rgb, width, height }
}
