import { computed, ref } from 'vue'

import type { ImageStatus, StoredFace } from '@shared/records'
import { client } from '@renderer/api/client'
import {
  EditHistory,
  type Coalesce,
  type EditCommand,
  type HistoryExecutor,
} from '@renderer/editor/history'
import type { EditState } from './annotation-edits'
import { useImageQueueStore } from './image-queue'
import { asApiError } from './request'

/**
 * One undo history per image, and the bookkeeping every write shares: the pending count, the
 * last step's name, the list row's counts, and a reload from SQLite when the server refuses.
 */
export function createEditRecorder(s: EditState) {
  const histories = new Map<number, EditHistory>()
  /** Bumped whenever a history changes, so the undo and redo names recompute. */
  const version = ref(0)
  const pending = ref(0)
  const lastStep = ref<string | null>(null)

  const undoNames = computed(() => {
    void version.value
    return s.imageId.value === null ? [] : historyFor(s.imageId.value).undoNames
  })
  const redoNames = computed(() => {
    void version.value
    return s.imageId.value === null ? [] : historyFor(s.imageId.value).redoNames
  })

  function historyFor(imageId: number): EditHistory {
    let history = histories.get(imageId)
    if (!history) histories.set(imageId, (history = new EditHistory(executorFor(imageId))))
    return history
  }

  /** Undo and redo write through these, on the image the step belongs to. */
  function executorFor(imageId: number): HistoryExecutor {
    return {
      create: async (snap) => {
        const face = await client.api.faces.create({
          imageId,
          face: snap.label,
          source: snap.source,
          runId: snap.runId,
          originFaceId: snap.originFaceId,
        })
        local(imageId, (faces) => [...faces, face])
        return face.id
      },
      remove: async (faceIds) => {
        await client.api.faces.delete({ faceIds })
        local(imageId, (faces) => faces.filter((f) => !faceIds.includes(f.id)))
        s.selection.value = s.selection.value.filter((id) => !faceIds.includes(id))
      },
      restore: async (faceId, snap) => {
        const face = await client.api.faces.restore({
          faceId,
          face: snap.label,
          source: snap.source,
        })
        local(imageId, (faces) => faces.map((f) => (f.id === faceId ? face : f)))
      },
    }
  }

  /** Changes the local faces, only while that image is still the one shown. */
  function local(imageId: number, change: (faces: StoredFace[]) => StoredFace[]): void {
    if (s.imageId.value === imageId) s.faces.value = change(s.faces.value)
  }

  /**
   * Runs one write against the shown image's history. `run` returns the step's name, or null
   * when nothing changed; a refused write shows its error and reloads the faces from SQLite.
   */
  async function record(run: (history: EditHistory, imageId: number) => Promise<string | null>) {
    const imageId = s.imageId.value
    if (imageId === null) return
    pending.value += 1
    try {
      const name = await run(historyFor(imageId), imageId)
      if (name) {
        lastStep.value = name
        afterWrite(imageId)
      }
    } catch (cause) {
      s.error.value = asApiError(cause)
      await reload(imageId)
    } finally {
      pending.value -= 1
      version.value += 1
    }
  }

  /** Performs a new named step; `edit` writes it and returns the command that undoes it. */
  function perform(
    name: string,
    edit: (history: EditHistory, imageId: number) => Promise<EditCommand | null>,
    coalesce?: Coalesce,
  ): Promise<void> {
    return record(async (history, imageId) => {
      await history.perform(() => edit(history, imageId), coalesce)
      return name
    })
  }

  async function undo(): Promise<void> {
    s.suggestion.value = null
    await record(async (history) => {
      const name = await history.undo()
      return name && `Undo: ${name}`
    })
  }

  async function redo(): Promise<void> {
    s.suggestion.value = null
    await record(async (history) => {
      const name = await history.redo()
      return name && `Redo: ${name}`
    })
  }

  /** The list row follows: counts, and `todo` turning `in progress` on the first edit. */
  function afterWrite(imageId: number): void {
    if (s.imageId.value !== imageId) return
    const faces = s.faces.value
    const status: ImageStatus =
      s.image.value?.status === 'todo' ? 'in_progress' : (s.image.value?.status ?? 'in_progress')
    const counts = {
      status,
      faceCount: faces.length,
      proposalCount: faces.filter((f) => f.source === 'model').length,
    }
    if (s.image.value) s.image.value = { ...s.image.value, ...counts }
    useImageQueueStore().patchImage(imageId, counts)
  }

  async function reload(imageId: number): Promise<void> {
    try {
      const list = await client.api.faces.list({ imageId })
      local(imageId, () => list.faces)
    } catch {
      // The error already shown says what went wrong; the next load will retry.
    }
  }

  /** Resolves once every write of the shown image has reached the store. */
  function settled(): Promise<void> {
    return s.imageId.value === null ? Promise.resolve() : historyFor(s.imageId.value).settled()
  }

  return { pending, lastStep, undoNames, redoNames, local, perform, undo, redo, settled }
}
