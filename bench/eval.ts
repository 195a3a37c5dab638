/**
 * WIDER evaluation speed at full val scale: 3,000 images, 40,000 GT faces, 300,000
 * predictions, three settings, synthesised from a fixed seed. Target: < 5 s on one core.
 * Run: `npx tsx bench/eval.ts`. Writes bench/results/eval.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { evaluateWider, type ProtocolImage, type ScoredBox } from '../src/main/eval/wider-protocol'
import type { Box } from '../src/shared/face'
import { mulberry32 } from '../src/shared/random'

const IMAGES = 3000
const FACES = 40_000
const PREDICTIONS = 300_000
const SETTINGS = ['easy', 'medium', 'hard']

function synthesise(seed: number): ProtocolImage[] {
  const rnd = mulberry32(seed)
  const gts: Box[][] = Array.from({ length: IMAGES }, () => [])
  const preds: ScoredBox[][] = Array.from({ length: IMAGES }, () => [])

  // Faces land on random images; sizes skew small as in WIDER.
  for (let f = 0; f < FACES; f++) {
    const size = 4 + Math.floor(rnd() ** 3 * 300)
    gts[Math.floor(rnd() * IMAGES)].push({
      x: rnd() * 1000,
      y: rnd() * 800,
      width: size,
      height: size * 1.2,
    })
  }

  // About 85% of faces get a jittered hit; the rest of the budget is false positives.
  let made = 0
  gts.forEach((boxes, i) =>
    boxes.forEach((b) => {
      if (rnd() > 0.85) return
      const j = () => (rnd() - 0.5) * 0.3
      const box = {
        x: b.x + j() * b.width,
        y: b.y + j() * b.height,
        width: b.width * (1 + j()),
        height: b.height * (1 + j()),
      }
      preds[i].push({ box, score: 0.3 + 0.7 * rnd() })
      made++
    }),
  )
  for (; made < PREDICTIONS; made++) {
    const size = 4 + rnd() * 200
    preds[Math.floor(rnd() * IMAGES)].push({
      box: { x: rnd() * 1000, y: rnd() * 800, width: size, height: size },
      score: rnd() * 0.8,
    })
  }

  return gts.map((gt, i) => {
    // Small faces drop out of the easier settings, as the EdgeBox-based subsets do.
    const hard = gt.flatMap((b, k) => (b.width >= 6 && rnd() < 0.95 ? [k] : []))
    const medium = hard.filter((k) => gt[k].width >= 20)
    const easy = medium.filter((k) => gt[k].width >= 50)
    return { key: `e/${i}`, gt, counted: { easy, medium, hard }, predictions: preds[i] }
  })
}

const images = synthesise(20261203)
const counts = {
  images: images.length,
  faces: images.reduce((n, i) => n + i.gt.length, 0),
  predictions: images.reduce((n, i) => n + i.predictions.length, 0),
}

const runs: number[] = []
let ap: Record<string, number> = {}
for (let r = 0; r < 3; r++) {
  const start = performance.now()
  const result = evaluateWider(images, SETTINGS)
  runs.push(performance.now() - start)
  ap = Object.fromEntries(result.settings.map((s) => [s.setting, Number(s.ap.toFixed(6))]))
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  ...counts,
  settings: SETTINGS,
  firstRunMs: Math.round(runs[0]),
  bestRunMs: Math.round(Math.min(...runs)),
  targetMs: 5000,
  ap,
}
console.log(JSON.stringify(report, null, 2))

const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results')
mkdirSync(out, { recursive: true })
writeFileSync(resolve(out, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`)
