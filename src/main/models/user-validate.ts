import { decodeImage } from '../detect/image'
import { runPass, zeroTimings } from '../detect/pass'
import { planLetterbox, planNative, prepareInput, type InputPlan } from '../detect/preprocess'
import { priorCount } from '../detect/priors'
import { runAll, withSession } from '../detect/session'
import type { DetectorManifest } from './manifest'
import { UnfitModelError } from './user-inspect'

/** Long side of the validation pass for a model that takes any size. */
const SAMPLE_LONG_SIDE = 1024

/**
 * Run a draft manifest's model on a sample photo and check that what comes out fits it: every
 * named output exists, the row counts match the priors (RetinaFace) or give a whole number of
 * anchors per cell (SCRFD, whose `perCell` is taken from here), scores are probabilities, and
 * at least one face scores 0.5 or more.
 *
 * @throws UnfitModelError naming the output, the numbers, and the parameter to check.
 */
export async function validateOnSample(
  draft: DetectorManifest,
  modelPath: string,
  samplePath: string,
): Promise<{ manifest: DetectorManifest; faces: number }> {
  const image = await decodeImage(samplePath)
  const size = draft.input.size
  const plan: InputPlan =
    size.kind === 'fixed'
      ? planLetterbox(image.width, image.height, size.width)
      : planNative(image.width, image.height, {
          maxLongSide: SAMPLE_LONG_SIDE,
          stride: size.stride,
        })
  const { tensorWidth: w, tensorHeight: h } = plan
  if (size.kind === 'fixed' && size.width !== size.height) {
    throw new UnfitModelError(
      `a fixed ${size.width}x${size.height} input is not square; letterbox needs a square input`,
    )
  }

  return withSession(modelPath, async (session) => {
    const { mean, scale, channelOrder } = draft.input
    const tensor = await prepareInput(
      image.rgb,
      image.width,
      image.height,
      plan,
      mean as [number, number, number],
      scale,
      channelOrder,
    )
    const outputs = await runAll(session, draft, tensor, w, h).catch((error: Error) => {
      throw new UnfitModelError(`the model does not run on a ${w}x${h} input: ${error.message}`)
    })
    const take = (name: string) => {
      const out = outputs[name]
      if (!out) throw new UnfitModelError(`the model returned no output "${name}"`)
      return out.data
    }

    let manifest = draft
    if (draft.family === 'retinaface') {
      const rows = take(draft.outputs.loc).length / 4
      const expected = priorCount(draft.priors, w, h)
      if (rows !== expected) {
        throw new UnfitModelError(
          `${draft.outputs.loc} has ${rows} rows at ${w}x${h}, but the priors (min sizes ` +
            `${JSON.stringify(draft.priors.minSizes)}, steps ${draft.priors.steps}) give ` +
            `${expected}; check --min-sizes and --steps`,
        )
      }
      checkProbabilities(take(draft.outputs.conf), 2, draft.outputs.conf)
    } else {
      const perCell = draft.anchors.strides.map((s, i) => {
        const cells = Math.ceil(w / s) * Math.ceil(h / s)
        const count = take(draft.outputs.scores[i]).length
        if (count % cells !== 0) {
          throw new UnfitModelError(
            `${draft.outputs.scores[i]} has ${count} scores at ${w}x${h}, not a multiple of the ` +
              `${cells} cells of stride ${s}; check the strides`,
          )
        }
        checkProbabilities(take(draft.outputs.scores[i]), 1, draft.outputs.scores[i])
        return count / cells
      })
      if (new Set(perCell).size !== 1) {
        throw new UnfitModelError(`anchors per cell differ between strides: ${perCell.join(', ')}`)
      }
      manifest = { ...draft, anchors: { ...draft.anchors, perCell: perCell[0] } }
    }

    const settings = { scoreThreshold: 0.5, nmsIou: 0.4, topK: 5000, keep: 750 }
    const faces = await runPass(session, manifest, image, plan, settings, zeroTimings())
    if (faces.scores.length === 0) {
      throw new UnfitModelError(
        `the model found no face scoring 0.5 or more on ${samplePath}; check the mean, scale ` +
          'and channel order, or give a sample with a clear face',
      )
    }
    return { manifest, faces: faces.scores.length }
  })
}

/** Scores must already be probabilities (softmax or sigmoid inside the model). */
function checkProbabilities(values: Float32Array, columns: number, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= 0 && values[i] <= 1)) {
      throw new UnfitModelError(
        `${name} holds ${values[i]}, not a probability; facemark needs the softmax (or ` +
          'sigmoid) inside the model',
      )
    }
  }
  if (columns === 2) {
    const sum = values[0] + values[1]
    if (Math.abs(sum - 1) > 1e-3) {
      throw new UnfitModelError(`the two columns of ${name} sum to ${sum}, not 1 (no softmax?)`)
    }
  }
}
