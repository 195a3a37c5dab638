import { resolve } from 'node:path'

/** The sample folder the specs open; FACE_DATA_DIR overrides it. */
export const SAMPLE_DIR = resolve(process.env.FACE_DATA_DIR ?? '../shared/data/widerface-sample')

/** Where the server finds the RetinaFace files; FACE_MODELS_DIR overrides it. */
export const MODELS_DIR = resolve(process.env.FACE_MODELS_DIR ?? '../shared/models')

/** Set by global-setup for the specs: the page URL (with token) of the running server. */
export const SERVER_URL_ENV = 'FACEMARK_E2E_URL'
