import type { Db } from '../store/database'
import { listDatasets } from '../store/datasets'

/**
 * The path WIDER FACE files use for an image: relative to the nearest `images/` folder
 * (`val/images/0--Parade/x.jpg` → `0--Parade/x.jpg`), or the dataset-relative path when the
 * folder has no such level.
 */
export function widerPath(relPath: string): string {
  const parts = relPath.split('/')
  const at = parts.lastIndexOf('images')
  return at >= 0 && at < parts.length - 1 ? parts.slice(at + 1).join('/') : relPath
}

/** The image's file name without folders and extension: how WIDER tools key images. */
export function imageKey(relPath: string): string {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

/**
 * The dataset a command works on: the one asked for, else the only one, else the newest. An
 * empty store is an error that says how to fill it.
 */
export function pickDataset(db: Db, id?: number): number {
  const datasets = listDatasets(db)
  if (id !== undefined) {
    if (!datasets.some((d) => d.id === id)) {
      const known = datasets.map((d) => `${d.id} (${d.root})`).join(', ') || 'none'
      throw new Error(`No dataset ${id} in this store; known datasets: ${known}`)
    }
    return id
  }
  if (datasets.length === 0) {
    throw new Error('This store holds no dataset yet; run `facemark annotate <images-dir>` first')
  }
  return datasets.reduce((a, b) => (b.id > a.id ? b : a)).id
}
