import { describe, expect, it } from 'vitest'

import { evaluateWider } from '../../src/main/eval/wider-protocol'
import { randomImages } from './fixtures/random-images'

/**
 * APs (easy, medium, hard) that a line-by-line transcription of the official Python evaluation
 * (wondervictor/WiderFace-Evaluation: bbox_overlaps, image_eval, img_pr_info, voc_ap, with the
 * predictions of each image sorted by descending score) computed for these seeded images.
 */
const PYTHON_APS: Record<number, number[]> = {
  1: [0.19545462026328808, 0.32451170338089647, 0.3926609631208379],
  7: [0.23533108590977292, 0.3455388596604423, 0.42792262143347626],
  42: [0.22109768971283889, 0.34365428824427374, 0.41857759535890077],
}

describe('evaluateWider against the official Python code', () => {
  it.each(Object.keys(PYTHON_APS).map(Number))('agrees to 1e-12 on seeded images %i', (seed) => {
    const result = evaluateWider(randomImages(seed), ['easy', 'medium', 'hard'])

    result.settings.forEach((s, k) => expect(s.ap).toBeCloseTo(PYTHON_APS[seed][k], 12))
  })
})
