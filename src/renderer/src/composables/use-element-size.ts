import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** The content-box size of an element, kept current with a ResizeObserver. */
export function useElementSize(target: Ref<HTMLElement | null>) {
  const width = ref(0)
  const height = ref(0)
  let observer: ResizeObserver | null = null

  onMounted(() => {
    observer = new ResizeObserver(([entry]) => {
      width.value = entry.contentRect.width
      height.value = entry.contentRect.height
    })
    if (target.value) observer.observe(target.value)
  })
  onBeforeUnmount(() => observer?.disconnect())

  return { width, height }
}
