import { client } from '@renderer/api/client'
import { useDatasetStore } from '@renderer/stores/datasets'

/**
 * Window-wide input: a folder dropped anywhere opens like a picked one. Returns the drag
 * handlers for the root element. Keys (image stepping included) live in use-editor-keys.ts.
 */
export function useAppInput() {
  const datasets = useDatasetStore()

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
