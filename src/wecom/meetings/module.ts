/**
 * WeCom booked meetings: meeting/create (doc 99104), meeting/update (doc 98154), and the read-back and
 * cancel companions meeting/get_info (doc 98149) and meeting/cancel, over one MeetingStore; the control
 * plane lists what it keeps (`control.meetings()`, `GET /__mock/wecom/meetings`).
 */
import type { EmulatorModule, Env } from '../../core/module.ts'
import { type OwnerFilter, ownerFilter } from '../control.ts'
import { meetingCancel } from './cancel.ts'
import { meetingCreate } from './create.ts'
import { meetingGetInfo } from './get-info.ts'
import { meetingGetUserMeetingid } from './get-user-meetingid.ts'
import { type MeetingRecord, type MeetingStatus, MeetingStore } from './store.ts'
import { meetingUpdate } from './update.ts'

declare module '../../core/module.ts' {
  interface Stores {
    meetings: MeetingStore
  }
  interface ControlOperations {
    /** WeCom meetings kept in memory (all, or one corp / app), oldest first, with their clock-derived status. */
    meetings(filter?: OwnerFilter): (MeetingRecord & { status: MeetingStatus })[]
  }
}

function meetings(env: Env, filter: OwnerFilter = {}): (MeetingRecord & { status: MeetingStatus })[] {
  const store = env.stores.meetings
  const now = env.clock.now()
  return store.list(filter).map((m) => ({ ...m, status: store.status(m, now) }))
}

export const wecomMeetingsModule: EmulatorModule = {
  name: 'wecom.meetings',
  endpoints: [meetingCreate, meetingUpdate, meetingGetInfo, meetingCancel, meetingGetUserMeetingid],
  createStores: (env) => ({
    meetings: new MeetingStore(env.random, {
      maxMeetings: env.config.wecom.maxMeetings,
      statusFromClock: env.config.wecom.meetingStatusFromClock,
      budget: env.budget,
      persist: env.persist,
    }),
  }),
  control: {
    operations: { meetings },
    routes: [
      {
        method: 'GET',
        path: '/wecom/meetings',
        handle: ({ query }, env) => {
          const list = meetings(env, ownerFilter(query))
          return { count: list.length, meetings: list }
        },
      },
    ],
  },
}
