/**
 * Every plugin of the emulator, in one list: the vendors (their envelopes, auth and directories) and the
 * feature modules (their endpoints and stores). The core (src/core) knows none of them by name; this list
 * is what it is handed.
 */
import type { EmulatorModule } from './core/module.ts'
import { feishuMailModule } from './feishu/mail/module.ts'
import { feishuVendor } from './feishu/vendor.ts'
import { wecomCalendarsModule } from './wecom/calendar/module.ts'
import { wecomMailModule } from './wecom/mail/module.ts'
import { wecomMeetingsModule } from './wecom/meetings/module.ts'
import { wecomSchedulesModule } from './wecom/schedules/module.ts'
import { wecomVendor } from './wecom/vendor.ts'

export const plugins: EmulatorModule[] = [
  wecomVendor,
  wecomMeetingsModule,
  wecomSchedulesModule,
  wecomCalendarsModule,
  wecomMailModule,
  feishuVendor,
  feishuMailModule,
]

/**
 * The modules declare their stores and control operations by augmenting src/core/module.ts. Re-exported so
 * that the public declarations load those files, and a user's `emulator.control.mailbox(…)` type-checks.
 */
export {
  feishuMailModule,
  feishuVendor,
  wecomCalendarsModule,
  wecomMailModule,
  wecomMeetingsModule,
  wecomSchedulesModule,
  wecomVendor,
}
