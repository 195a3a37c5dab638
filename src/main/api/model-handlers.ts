import { ApiError } from '../../shared/api-error'
import type { ApiParsedRequest, ApiResponse } from '../../shared/api'
import { removeModel, selectModel } from '../models/manage'
import type { AppContext } from '../jobs/context'
import { ModelTasks } from '../models/model-tasks'
import { UnfitModelError } from '../models/user-inspect'
import { addUserModel } from '../models/user-model'

type ModelChannel =
  'models/list' | 'models/install' | 'models/cancel' | 'models/remove' | 'models/use' | 'models/add'

type ModelHandlers = {
  [C in ModelChannel]: (request: ApiParsedRequest<C>) => Promise<ApiResponse<C>>
}

/**
 * The Models page's channels; every one answers with the fresh model list. The install
 * tracker is made on first use, so building the API never touches the context.
 */
export function modelHandlers(ctx: AppContext): { handlers: ModelHandlers; close(): void } {
  let created: ModelTasks | null = null
  const tasks = () => (created ??= new ModelTasks(ctx.modelDirs ?? {}))
  const dataDir = () => ctx.modelDirs?.dataDir
  const handlers: ModelHandlers = {
    'models/list': () => tasks().list(),

    'models/install': async ({ modelId }) => {
      requireKnown(await tasks().list(), modelId, true)
      tasks().install(modelId)
      return tasks().list()
    },

    'models/cancel': async ({ modelId }) => {
      tasks().cancel(modelId)
      return tasks().list()
    },

    'models/remove': async ({ modelId }) => {
      requireKnown(await tasks().list(), modelId, false)
      tasks().cancel(modelId)
      await removeModel(modelId, dataDir())
      return tasks().list()
    },

    'models/use': async ({ modelId }) => {
      requireKnown(await tasks().list(), modelId, false)
      await selectModel(modelId, dataDir())
      return tasks().list()
    },

    'models/add': async (request) => {
      try {
        await addUserModel(request, dataDir())
      } catch (error) {
        // A file that does not fit is the user's to fix, not an internal failure.
        if (error instanceof UnfitModelError) throw new ApiError('invalid_request', error.message)
        throw error
      }
      return tasks().list()
    },
  }
  return { handlers, close: () => created?.cancelAll() }
}

function requireKnown(
  models: { id: string; installable: boolean }[],
  id: string,
  installing: boolean,
): void {
  const model = models.find((m) => m.id === id)
  if (!model) throw new ApiError('not_found', `No model ${id}; reload the Models page.`)
  if (installing && !model.installable) {
    throw new ApiError('invalid_request', `${id} was added from a file; add it again instead.`)
  }
}
