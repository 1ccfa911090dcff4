/** Every feature module of the emulator, in one list: a new endpoint is one registration here. */
import type { EmulatorModule } from './core/module.ts'
import { feishuAuthModule } from './feishu/module.ts'
import { pendingModule } from './pending.ts'
import { wecomMeetingsModule } from './wecom/meetings/module.ts'
import { wecomAuthModule } from './wecom/module.ts'

const features: EmulatorModule[] = [wecomAuthModule, wecomMeetingsModule, feishuAuthModule]

export const modules: EmulatorModule[] = [
  ...features,
  pendingModule(new Set(features.flatMap((m) => m.routes.map((r) => r.id)))),
]
