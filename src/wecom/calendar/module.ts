/**
 * WeCom calendars: oa/calendar/add, get, update and del, over the CalendarStore the schedules
 * (oa/schedule/add's cal_id and default calendar) and meetings (meeting/create's cal_id) look calendars up
 * in; the control plane lists what is kept (`control.wecomCalendars()`, `GET /__mock/wecom/calendars`).
 */
import type { EmulatorModule, Env } from '../../core/module.ts'
import { type OwnerFilter, ownerFilter } from '../control.ts'
import { calendarAdd } from './add.ts'
import { calendarDel } from './del.ts'
import { calendarGet } from './get.ts'
import { CalendarStore, calendarView } from './store.ts'
import { calendarUpdate } from './update.ts'

/** A calendar as the control plane lists it: oa/calendar/get's shape, its owner, whether deleted or seeded. */
export type CalendarReadBack = ReturnType<typeof calendarView> & {
  corpid: string
  agentid: number
  deleted: boolean
  seeded: boolean
  /** Whether oa/schedule/add without cal_id puts schedules on it. */
  is_default: boolean
}

declare module '../../core/module.ts' {
  interface Stores {
    wecomCalendars: CalendarStore
  }
  interface ControlOperations {
    /** WeCom calendars kept (the seed's and oa/calendar/add's, deleted ones too), in oa/calendar/get's shape plus who owns them. */
    wecomCalendars(filter?: OwnerFilter): CalendarReadBack[]
  }
}

function wecomCalendars(env: Env, filter: OwnerFilter = {}): CalendarReadBack[] {
  const store = env.stores.wecomCalendars
  return store.list(filter).map((r) => ({
    ...calendarView(r),
    corpid: r.corpid,
    agentid: r.agentid,
    deleted: r.deleted,
    seeded: r.seeded,
    is_default: store.defaultOf(r.corpid, r.agentid)?.calId === r.calId,
  }))
}

export const wecomCalendarsModule: EmulatorModule = {
  name: 'wecom.calendars',
  endpoints: [calendarAdd, calendarGet, calendarUpdate, calendarDel],
  createStores: (env) => ({
    wecomCalendars: new CalendarStore(env.seed.wecom.corps, env.random, env.budget, env.persist),
  }),
  control: {
    operations: { wecomCalendars },
    routes: [
      {
        method: 'GET',
        path: '/wecom/calendars',
        handle: ({ query }, env) => {
          const calendars = wecomCalendars(env, ownerFilter(query))
          return { count: calendars.length, calendars }
        },
      },
    ],
  },
}
