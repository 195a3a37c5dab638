/// <reference types="vite/client" />
import type { FacemarkBridge } from '@shared/api'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the page is served over HTTP. */
    facemark?: FacemarkBridge
  }
}
