import { onBeforeUnmount, onMounted } from 'vue'

import { client } from '@renderer/api/client'
import { useDatasetStore } from '@renderer/stores/datasets'
import { useImageQueueStore } from '@renderer/stores/image-queue'

/**
 * Window-wide input: ↑/↓ (or k/j) step through the image list, and a folder dropped anywhere
 * opens like a picked one. Returns the drag handlers for the root element.
 */
export function useAppInput() {
  const datasets = useDatasetStore()
  const queue = useImageQueueStore()

  function onKey(event: KeyboardEvent): void {
    if (event.target instanceof HTMLInputElement) return
    if (event.key === 'ArrowDown' || event.key === 'j') void queue.step(1)
    else if (event.key === 'ArrowUp' || event.key === 'k') void queue.step(-1)
    else return
    event.preventDefault()
  }

  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))

  return {
    // Dropping anything must never navigate the window away from the app.
    onDragOver(event: DragEvent): void {
      event.preventDefault()
    },

    /** Only Electron can tell a dropped folder's path; the browser keeps it from pages. */
    onDrop(event: DragEvent): void {
      event.preventDefault()
      const file = event.dataTransfer?.files[0]
      if (file && client.pathForFile) void datasets.openFolder(client.pathForFile(file))
    },
  }
}
