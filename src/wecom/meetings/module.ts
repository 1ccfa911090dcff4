/**
 * WeCom booked meetings: meeting/create (doc 99104), meeting/update (doc 98154), and the read-back and
 * cancel companions meeting/get_info (doc 98149) and meeting/cancel, over one MeetingStore.
 */
import type { EmulatorModule } from '../../core/module.ts'
import { meetingEndpoints } from './routes.ts'
import { MeetingStore } from './store.ts'

declare module '../../core/module.ts' {
  interface Stores {
    meetings: MeetingStore
  }
}

export const wecomMeetingsModule: EmulatorModule = {
  name: 'wecom.meetings',
  endpoints: meetingEndpoints,
  createStores: (env) => ({
    meetings: new MeetingStore(env.random, {
      maxMeetings: env.config.wecom.maxMeetings,
      statusFromClock: env.config.wecom.meetingStatusFromClock,
    }),
  }),
}
