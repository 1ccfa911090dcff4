/** Every feature module of the emulator, in one list: a new endpoint is one registration here. */
import type { EmulatorModule } from './core/module.ts'
import { feishuMailModule } from './feishu/mail/module.ts'
import { feishuAuthModule } from './feishu/module.ts'
import { pendingModule } from './pending.ts'
import { wecomMailModule } from './wecom/mail/module.ts'
import { wecomMeetingsModule } from './wecom/meetings/module.ts'
import { wecomAuthModule } from './wecom/module.ts'
import { wecomSchedulesModule } from './wecom/schedules/module.ts'

const features: EmulatorModule[] = [
  wecomAuthModule,
  wecomMeetingsModule,
  wecomSchedulesModule,
  wecomMailModule,
  feishuAuthModule,
  feishuMailModule,
]

export const modules: EmulatorModule[] = [
  ...features,
  pendingModule(new Set(features.flatMap((m) => m.routes.map((r) => r.id)))),
]
