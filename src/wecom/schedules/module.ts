/**
 * WeCom calendar schedules: oa/schedule/add and update, with get, get_by_calendar and del to read back and cancel; the control plane
 * lists what is kept (`control.wecomSchedules()`, `GET /__mock/wecom/schedules`).
 */
import { ControlError } from '../../core/errors.ts'
import type { EmulatorModule, Env } from '../../core/module.ts'
import { type OwnerFilter, ownerFilter } from '../control.ts'
import { scheduleAdd } from './add.ts'
import { scheduleDel } from './del.ts'
import { scheduleGet } from './get.ts'
import { scheduleGetByCalendar } from './get-by-calendar.ts'
import { type ScheduleOrigin, ScheduleStore, scheduleView } from './store.ts'
import { scheduleUpdate } from './update.ts'

/** A schedule as the control plane lists it: oa/schedule/get's shape, its owner, origin and the mail's meeting. */
export type ScheduleReadBack = ReturnType<typeof scheduleView> & {
  corpid: string
  agentid: number
  origin: ScheduleOrigin
  meetingid: string | null
}

declare module '../../core/module.ts' {
  interface Stores {
    schedules: ScheduleStore
  }
  interface ControlOperations {
    /**
     * WeCom schedules kept (oa/schedule/add and meeting mails), oldest first, in oa/schedule/get's shape plus
     * who owns them, where they came from and the meeting a mail created with one.
     */
    wecomSchedules(filter?: OwnerFilter & { origin?: ScheduleOrigin }): ScheduleReadBack[]
    /** The schedules meeting mails created (compose_send returns no id): cancel or change one with its schedule_id. */
    wecomMailSchedules(filter?: OwnerFilter): ScheduleReadBack[]
  }
}

function wecomSchedules(env: Env, filter: OwnerFilter & { origin?: ScheduleOrigin } = {}): ScheduleReadBack[] {
  return env.stores.schedules.list(filter).map((r) => ({
    ...scheduleView(r),
    corpid: r.corpid,
    agentid: r.agentid,
    origin: r.origin,
    meetingid: r.meetingid ?? null,
  }))
}

export const wecomSchedulesModule: EmulatorModule = {
  name: 'wecom.schedules',
  endpoints: [scheduleAdd, scheduleGet, scheduleDel, scheduleUpdate, scheduleGetByCalendar],
  createStores: (env) => ({
    schedules: new ScheduleStore(env.random, env.config.wecom.maxSchedules, env.budget, env.persist),
  }),
  control: {
    operations: {
      wecomSchedules,
      wecomMailSchedules: (env, filter = {}) => wecomSchedules(env, { ...filter, origin: 'mail' }),
    },
    routes: [
      {
        method: 'GET',
        path: '/wecom/schedules',
        handle: ({ query }, env) => {
          const origin = query.get('origin')
          if (origin !== null && origin !== 'api' && origin !== 'mail')
            throw new ControlError(400, 'query parameter "origin" must be "api" or "mail"')
          const schedules = wecomSchedules(env, { ...ownerFilter(query), ...(origin ? { origin } : {}) })
          return { count: schedules.length, schedules }
        },
      },
    ],
  },
}
