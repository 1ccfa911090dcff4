/** WeCom calendar schedules: oa/schedule/add, with get and del to read back and cancel. */
import type { EmulatorModule } from '../../core/module.ts'
import { scheduleAdd } from './add.ts'
import { scheduleDel, scheduleGet } from './readback.ts'
import { ScheduleStore } from './store.ts'

declare module '../../core/module.ts' {
  interface Stores {
    schedules: ScheduleStore
  }
}

export const wecomSchedulesModule: EmulatorModule = {
  name: 'wecom.schedules',
  endpoints: [scheduleAdd, scheduleGet, scheduleDel],
  createStores: (env) => ({ schedules: new ScheduleStore(env.random, env.config.wecom.maxSchedules) }),
}
