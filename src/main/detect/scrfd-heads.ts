import type { InferenceSession } from 'onnxruntime-node'
import type { ScrfdManifest } from '../models/manifest'
import type { ScrfdLevel } from './scrfd'
import { runAll } from './session'

/**
 * Run an SCRFD model on one tensor and group its nine-odd outputs by stride, in the order of
 * `anchors.strides`. Exports differ in whether they keep the batch dimension, so only the
 * flat data is used; the decode checks its length against the anchor layout.
 */
export async function runScrfdHeads(
  session: InferenceSession,
  manifest: ScrfdManifest,
  tensor: Float32Array,
  width: number,
  height: number,
): Promise<ScrfdLevel[]> {
  const outputs = await runAll(session, manifest, tensor, width, height)
  const take = (name: string): Float32Array => {
    const out = outputs[name]
    if (!out) throw new Error(`model ${manifest.id} returned no output "${name}"`)
    return out.data
  }

  return manifest.anchors.strides.map((stride, i) => ({
    stride,
    scores: take(manifest.outputs.scores[i]),
    boxes: take(manifest.outputs.boxes[i]),
    keypoints: take(manifest.outputs.keypoints[i]),
  }))
}
