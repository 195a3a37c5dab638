import type { Ref, ShallowRef } from 'vue'

import type { ApiError } from '@shared/api-error'
import {
  DEFAULT_ATTRIBUTES,
  type Box,
  type FaceLabel,
  type Landmark,
  type Visibility,
  type WiderAttributes,
} from '@shared/face'
import type { ImageRecord, ImageStatus, StoredFace } from '@shared/records'
import { client } from '@renderer/api/client'
import { nextVisibility, swapLeftRight } from '@renderer/editor/geometry'
import { snapshotOf, type Coalesce, type EditCommand } from '@renderer/editor/history'
import type { EditRequest } from '@renderer/editor/types'
import type { LandmarkSuggestion } from './annotation'
import { createEditRecorder } from './edit-recorder'
import { useImageQueueStore } from './image-queue'
import { asApiError } from './request'

/**
 * Arrow-key presses on the same target closer than this make one undo step: holding an arrow
 * down repeats about every 33 ms, and a pause of a second starts a new step.
 */
const NUDGE_RUN_MS = 1000

/** The annotation store's state the edit actions read and write. */
export interface EditState {
  imageId: Ref<number | null>
  image: Ref<ImageRecord | null>
  faces: ShallowRef<StoredFace[]>
  selection: ShallowRef<number[]>
  activeLandmark: Ref<number | null>
  suggestion: ShallowRef<LandmarkSuggestion | null>
  suggesting: Ref<boolean>
  threshold: Ref<number>
  error: Ref<ApiError | null>
}

/** What a person may change on a face in one step. */
export interface FacePatch {
  box?: Box
  landmarks?: Landmark[]
  attributes?: Partial<WiderAttributes>
}

/** Attributes with more than two values cycle; the others toggle. */
const ATTRIBUTE_STEPS: Record<keyof WiderAttributes, number> = {
  blur: 3,
  expression: 2,
  illumination: 2,
  occlusion: 3,
  pose: 2,
  invalid: 2,
}

/**
 * The edit actions of the annotation store. Each shows its result at once (optimistic),
 * writes it through the typed API in the same breath, and records one named step in the
 * image's undo history; a write the server refuses reloads the faces from SQLite and says why.
 */
export function createAnnotationEdits(s: EditState) {
  const { pending, lastStep, undoNames, redoNames, local, perform, undo, redo, settled } =
    createEditRecorder(s)
  /** Optimistic changes per face not yet answered; an older answer must not overwrite them. */
  const inFlight = new Map<number, number>()

  function faceById(id: number): StoredFace | undefined {
    return s.faces.value.find((f) => f.id === id)
  }

  /** Persists what the editing machine asks for. */
  function commit(request: EditRequest): void {
    if (request.kind === 'create') void createFace(request.box, request.landmarks)
    else if (request.kind === 'changes') {
      const changes = request.faces.map(({ faceId, box, landmarks }) => ({
        id: faceId,
        patch: { box, landmarks },
      }))
      void changeFaces(changes, request.name)
    } else {
      const patch = { box: request.box, landmarks: request.landmarks }
      void changeFaces([{ id: request.faceId, patch }], request.name)
    }
  }

  /** A new face drawn by hand; the detector is then asked for its five points. */
  async function createFace(box: Box, landmarks: Landmark[] = []): Promise<void> {
    const label: FaceLabel = {
      box,
      score: null,
      landmarks,
      attributes: { ...DEFAULT_ATTRIBUTES },
      quality: null,
    }
    const out: { face?: StoredFace } = {}
    await perform('Draw face', async (history, imageId) => {
      const face = await client.api.faces.create({ imageId, face: label })
      out.face = face
      local(imageId, (faces) => [...faces, face])
      return {
        kind: 'create',
        name: 'Draw face',
        faces: [{ key: history.keyOf(face.id), snapshot: snapshotOf(face) }],
      }
    })
    if (out.face) {
      s.selection.value = [out.face.id]
      if (!landmarks.length) void requestSuggestion(out.face)
    }
  }

  /** Applies patches to faces as one named step. */
  async function changeFaces(
    changes: { id: number; patch: FacePatch }[],
    name: string,
    coalesce?: Coalesce,
  ) {
    const befores = changes
      .map(({ id, patch }) => ({ face: faceById(id), patch }))
      .filter((c): c is { face: StoredFace; patch: FacePatch } => c.face !== undefined)
    if (!befores.length) return

    const patched = new Map(befores.map(({ face, patch }) => [face.id, applyPatch(face, patch)]))
    s.faces.value = s.faces.value.map((f) => patched.get(f.id) ?? f)
    for (const id of patched.keys()) inFlight.set(id, (inFlight.get(id) ?? 0) + 1)

    await perform(
      name,
      async (history, imageId) => {
        const faces: Extract<EditCommand, { kind: 'change' }>['faces'] = []
        try {
          for (const { face, patch } of befores) {
            const after = await client.api.faces.update({ faceId: face.id, patch })
            if (inFlight.get(face.id) === 1)
              local(imageId, (all) => all.map((f) => (f.id === after.id ? after : f)))
            faces.push({
              key: history.keyOf(face.id),
              before: snapshotOf(face),
              after: snapshotOf(after),
            })
          }
        } finally {
          for (const { face } of befores) inFlight.set(face.id, (inFlight.get(face.id) ?? 1) - 1)
        }
        return { kind: 'change', name, faces }
      },
      coalesce,
    )
  }

  /** Patches every selected face with what `make` returns for it (null: leave it). */
  function updateSelected(
    name: string,
    make: (face: StoredFace) => FacePatch | null,
    coalesce?: Coalesce,
  ): Promise<void> {
    const changes = s.faces.value
      .filter((f) => s.selection.value.includes(f.id))
      .map((f) => ({ id: f.id, patch: make(f) }))
      .filter((c): c is { id: number; patch: FacePatch } => c.patch !== null)
    return changeFaces(changes, name, coalesce)
  }

  async function deleteFaces(
    ids: number[],
    name = ids.length > 1 ? `Delete ${ids.length} faces` : 'Delete face',
  ) {
    const doomed = s.faces.value.filter((f) => ids.includes(f.id))
    if (!doomed.length) return
    s.faces.value = s.faces.value.filter((f) => !ids.includes(f.id))
    s.selection.value = s.selection.value.filter((id) => !ids.includes(id))
    if (s.suggestion.value && ids.includes(s.suggestion.value.faceId)) s.suggestion.value = null

    await perform(name, async (history) => {
      const faces = doomed.map((f) => ({ key: history.keyOf(f.id), snapshot: snapshotOf(f) }))
      await client.api.faces.delete({ faceIds: doomed.map((f) => f.id) })
      return { kind: 'delete', name, faces }
    })
  }

  /** Copies of the selected faces, shifted by a tenth of their size, as human faces. */
  async function duplicateSelected(): Promise<void> {
    const originals = s.faces.value.filter((f) => s.selection.value.includes(f.id))
    if (!originals.length) return
    const copies: StoredFace[] = []
    await perform('Duplicate', async (history, imageId) => {
      for (const face of originals) {
        const dx = face.box.width / 10
        const dy = face.box.height / 10
        const label: FaceLabel = {
          ...snapshotOf(face).label,
          box: { ...face.box, x: face.box.x + dx, y: face.box.y + dy },
          landmarks: face.landmarks.map((p) => ({ ...p, x: p.x + dx, y: p.y + dy })),
          score: null,
        }
        copies.push(await client.api.faces.create({ imageId, face: label }))
      }
      local(imageId, (faces) => [...faces, ...copies])
      return {
        kind: 'create',
        name: 'Duplicate',
        faces: copies.map((f) => ({ key: history.keyOf(f.id), snapshot: snapshotOf(f) })),
      }
    })
    s.selection.value = copies.map((f) => f.id)
  }

  /** Confirms proposals unchanged; they become human labels. */
  async function acceptFaces(ids: number[], name: string): Promise<void> {
    const proposals = s.faces.value.filter((f) => ids.includes(f.id) && f.source === 'model')
    if (!proposals.length) return
    const accepted = new Set(proposals.map((f) => f.id))
    s.faces.value = s.faces.value.map((f) => (accepted.has(f.id) ? { ...f, source: 'human' } : f))

    await perform(name, async (history, imageId) => {
      const after = await client.api.faces.accept({ faceIds: [...accepted] })
      const byId = new Map(after.map((f) => [f.id, f]))
      local(imageId, (faces) => faces.map((f) => byId.get(f.id) ?? f))
      return {
        kind: 'change',
        name,
        faces: proposals.map((f) => ({
          key: history.keyOf(f.id),
          before: snapshotOf(f),
          after: snapshotOf(byId.get(f.id) ?? { ...f, source: 'human' }),
        })),
      }
    })
  }

  /** Enter: take the suggested landmarks if any are offered, else accept the selection. */
  function accept(): Promise<void> {
    const offer = s.suggestion.value
    if (offer && faceById(offer.faceId)) {
      s.suggestion.value = null
      return changeFaces(
        [{ id: offer.faceId, patch: { landmarks: offer.landmarks } }],
        'Accept suggested landmarks',
      )
    }
    const ids = s.selection.value
    return acceptFaces(ids, ids.length > 1 ? `Accept ${ids.length} proposals` : 'Accept proposal')
  }

  /** Every shown proposal at or above the threshold, as one step. */
  function acceptAll(): Promise<void> {
    const ids = s.faces.value
      .filter((f) => f.source === 'model' && (f.score ?? 1) >= s.threshold.value)
      .map((f) => f.id)
    return acceptFaces(ids, `Accept ${ids.length} proposals ≥ ${s.threshold.value.toFixed(2)}`)
  }

  async function requestSuggestion(face: StoredFace): Promise<void> {
    const imageId = face.imageId
    s.suggesting.value = true
    try {
      const { face: found } = await client.api.faces.suggestLandmarks({ imageId, box: face.box })
      const current = faceById(face.id)
      if (found && current && current.landmarks.length === 0 && s.imageId.value === imageId) {
        s.suggestion.value = { faceId: face.id, landmarks: found.landmarks, score: found.score }
      }
    } catch (cause) {
      // Assistance is optional: say why it failed, the face stays as drawn.
      s.error.value = asApiError(cause)
    } finally {
      s.suggesting.value = false
    }
  }

  function dismissSuggestion(): void {
    s.suggestion.value = null
  }

  const swapSelected = () =>
    updateSelected('Swap left and right', (f) =>
      f.landmarks.length === 5 ? { landmarks: swapLeftRight(f.landmarks) } : null,
    )

  function setVisibility(faceId: number, index: number, visibility: Visibility): Promise<void> {
    const face = faceById(faceId)
    if (!face || face.landmarks.length !== 5) return Promise.resolve()
    const landmarks = face.landmarks.map((p, i) => (i === index ? { ...p, visibility } : p))
    return changeFaces([{ id: faceId, patch: { landmarks } }], `Set ${index + 1} ${visibility}`)
  }

  function cycleVisibility(): Promise<void> {
    const index = s.activeLandmark.value
    const face = faceById(s.selection.value[0])
    if (index === null || !face || face.landmarks.length !== 5) return Promise.resolve()
    return setVisibility(face.id, index, nextVisibility(face.landmarks[index].visibility))
  }

  function setAttribute<K extends keyof WiderAttributes>(key: K, value: WiderAttributes[K]) {
    return updateSelected(`Set ${key}`, () => ({ attributes: { [key]: value } }))
  }

  function cycleAttribute(key: keyof WiderAttributes): Promise<void> {
    const steps = ATTRIBUTE_STEPS[key]
    return updateSelected(`Change ${key}`, (f) => {
      const value = Number(f.attributes[key])
      const next = (value + 1) % steps
      return { attributes: { [key]: key === 'invalid' ? next === 1 : next } }
    })
  }

  /** Moves the chosen landmark, or else the whole selected faces, by image pixels. */
  function nudge(dx: number, dy: number): Promise<void> {
    const index = s.activeLandmark.value
    if (index !== null && s.selection.value.length === 1) {
      const face = faceById(s.selection.value[0])
      if (face?.landmarks.length === 5) {
        const landmarks = face.landmarks.map((p, i) =>
          i === index ? { ...p, x: p.x + dx, y: p.y + dy } : p,
        )
        const coalesce = { key: `landmark ${face.id}:${index}`, withinMs: NUDGE_RUN_MS }
        return changeFaces([{ id: face.id, patch: { landmarks } }], 'Nudge landmark', coalesce)
      }
    }
    const coalesce = { key: `faces ${s.selection.value.join(',')}`, withinMs: NUDGE_RUN_MS }
    const move = (f: StoredFace): FacePatch => ({
      box: { ...f.box, x: f.box.x + dx, y: f.box.y + dy },
      landmarks: f.landmarks.map((p) =>
        p.visibility === 'absent' ? p : { ...p, x: p.x + dx, y: p.y + dy },
      ),
    })
    return updateSelected('Nudge face', move, coalesce)
  }

  async function setImageStatus(status: ImageStatus): Promise<void> {
    const imageId = s.imageId.value
    if (imageId === null) return
    try {
      const record = await client.api.images.setStatus({ imageId, status })
      if (s.imageId.value === imageId) s.image.value = record
      useImageQueueStore().patchImage(imageId, { status: record.status })
    } catch (cause) {
      s.error.value = asApiError(cause)
    }
  }

  return {
    pending,
    lastStep,
    undoNames,
    redoNames,
    commit,
    createFace,
    changeFaces,
    deleteFaces,
    deleteSelected: () => deleteFaces(s.selection.value),
    duplicateSelected,
    acceptFaces,
    accept,
    acceptAll,
    dismissSuggestion,
    swapSelected,
    setVisibility,
    cycleVisibility,
    setAttribute,
    cycleAttribute,
    nudge,
    undo,
    redo,
    setImageStatus,
    settled,
  }
}

/** The face as the server will store it: patched, and a proposal no longer. */
function applyPatch(face: StoredFace, patch: FacePatch): StoredFace {
  return {
    ...face,
    box: patch.box ?? face.box,
    landmarks: patch.landmarks ?? face.landmarks,
    attributes: { ...face.attributes, ...patch.attributes },
    source: face.source === 'model' ? 'human' : face.source,
  }
}
