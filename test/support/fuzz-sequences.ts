/**
 * Sequences rather than single requests: create something recurring, move the emulator's clock, then read
 * it back, change it, cancel it. Status and occurrences are derived from the clock, so arithmetic over the
 * repeat fields only runs on the read after a move. Every repeat field takes values at and past its bounds
 * (0, negative, 1e9, non-integers), in every combination fast-check cares to draw.
 */
import fc from 'fast-check'
import {
  BASE,
  byName,
  composeSendBody,
  DAY,
  type FuzzCase,
  meetingCreateBody,
  request,
  type Step,
  scheduleAddBody,
} from './fuzz-endpoints.ts'

const pick = <T>(...values: T[]) => fc.constantFrom(...values)
/**
 * Values the schema accepts (the arithmetic's edges among them: 0, 1e9, 2^31), and now and then one it
 * refuses: a refused create ends the sequence before the clock moves, so refusals are kept rare.
 */
const edge = <T>(accepted: T[], refused: T[]) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...accepted) },
    { weight: 1, arbitrary: fc.constantFrom(...refused) },
  )
const list = <T>(accepted: T[], refused: T[], maxLength: number) =>
  fc.array(
    fc.oneof(
      { weight: 19, arbitrary: fc.constantFrom(...accepted) },
      { weight: 1, arbitrary: fc.constantFrom(...refused) },
    ),
    { maxLength },
  )

/** Offsets from BASE a series starts at, and durations; uint32's end now and then. */
const START = edge([60, 3600, DAY, 30 * DAY, 365 * DAY], [2 ** 32 - 1 - BASE])
const DURATION = edge([300, 3600, DAY], [2 ** 31, 2 ** 32 - 1])
/** 0 and 1e9 twice: the values that break interval arithmetic. */
const INTERVALS = [0, 0, 1, 2, 3, 7, 1e9, 1e9, 2 ** 31]
/**
 * A number no double holds: JSON.parse reads it as Infinity, which reads back as `null`. A JSON value cannot
 * be it, so the bodies carry this marker and `json` writes it as `1e400`.
 */
const BEYOND = '__beyond__'
const json = (body: unknown) => JSON.stringify(body).replaceAll(`"${BEYOND}"`, '1e400')

/** reminders of meeting/create and meeting/update: every repeat field, each optional. */
export function meetingReminders(start: number) {
  return fc.record(
    {
      is_repeat: edge([1, 1, 1, 0], [2, -1]),
      repeat_type: edge([0, 1, 2, 7], [3, 5, -1, 1e9]),
      repeat_interval: edge<number | string>(INTERVALS, [-1, 1e308, 0.5, BEYOND]),
      repeat_until: edge(
        [0, BASE, start - 1, start, start + DAY, start + 400 * DAY, 2 ** 32 - 1],
        [-1, 2 ** 32, 1e15, 1e308, BEYOND],
      ),
      is_custom_repeat: edge([1, 1, 0], [2, -1]),
      repeat_day_of_week: list([1, 2, 3, 4, 5, 6, 7], [-1, 0, 8, 1e9], 8),
      repeat_day_of_month: list([1, 15, 28, 29, 30, 31], [-1, 0, 32], 8),
      remind_before: list([0, 300, 900, 3600, 86400], [7, -1, 1e9], 5),
      repeat_until_type: edge([0, 1], [2, -1]),
      repeat_until_count: edge([1, 2, 50, 199, 200], [0, 201, -1, 1e9]),
    },
    { requiredKeys: [] },
  )
}

/** A move of the clock: relative, or to an instant around an occurrence of the series. */
function clockMove(start: number, duration: number) {
  // Before, at and just after the start, inside the first occurrence, at its end, at later occurrences.
  const around = [
    -1,
    0,
    1,
    Math.floor(duration / 2),
    duration - 1,
    duration,
    DAY,
    DAY + 1,
    7 * DAY + 1,
    31 * DAY,
    1400 * DAY,
  ]
  return fc.oneof(
    pick(1, 59, 300, 3600, DAY, 7 * DAY, 31 * DAY, 365 * DAY, 1e8, 1e9).map((advance) => ({ advance })),
    pick(...around).map((d) => ({ now: start + d })),
  )
}

const setClock = (arg: unknown): Step => ({ op: 'control', call: 'setClock', arg })

export function recurrenceFamily(): fc.Arbitrary<FuzzCase> {
  const create = byName('meeting.create')
  const update = byName('meeting.update')
  const getInfo = byName('meeting.get_info')
  const cancel = byName('meeting.cancel')
  return fc.tuple(START, DURATION).chain(([offset, duration]) => {
    const start = BASE + offset
    const op = fc.oneof(
      { weight: 3, arbitrary: clockMove(start, duration).map((c) => [setClock(c)]) },
      { weight: 3, arbitrary: fc.constant([request(getInfo, { body: '{"meetingid":"__MEETINGID__"}' })]) },
      {
        weight: 1,
        arbitrary: fc.constant([
          request(getInfo, { body: '{"meeting_code":"__MEETINGCODE__"}', capture: { MEETINGCODE: 'meeting_code' } }),
        ]),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(meetingReminders(start), fc.option(pick(start, start + DAY, BASE + 60), { nil: undefined }))
          .map(([reminders, moved]) => [
            request(update, {
              body: json({
                meetingid: '__MEETINGID__',
                reminders,
                ...(moved !== undefined ? { meeting_start: moved, meeting_duration: duration } : {}),
              }),
            }),
          ]),
      },
      { weight: 1, arbitrary: fc.constant([request(cancel, { body: '{"meetingid":"__MEETINGID__"}' })]) },
    )
    return fc.tuple(meetingReminders(start), fc.array(op, { minLength: 1, maxLength: 5 })).map(([reminders, ops]) => {
      const body = { ...meetingCreateBody(), meeting_start: start, meeting_duration: duration, reminders }
      const steps: Step[] = [
        { ...request(create, { body: json(body) }), capture: { MEETINGID: 'meetingid' } },
        ...ops.flat(),
        // Always read back at the end, wherever the clock went.
        request(getInfo, { body: '{"meetingid":"__MEETINGID__"}', capture: { MEETINGCODE: 'meeting_code' } }),
      ]
      return {
        family: 'recurrence',
        kind: `meeting:${reminders.is_custom_repeat === 1 ? 'custom' : 'plain'}:type=${reminders.repeat_type ?? '-'}`,
        endpoint: 'meeting.create',
        steps,
      }
    })
  })
}

/** reminders of oa/schedule/add: the repeat fields plus its own remind and timezone fields. */
function scheduleReminders(start: number) {
  return fc.record(
    {
      is_remind: edge([0, 1], [2]),
      remind_before_event_secs: edge([0, 300, 900, 3600, 86400], [7, -1, 1e9]),
      remind_time_diffs: list([0, -300, -900, -3600, -86400], [32400, -172800, -604800, 1, 1e9], 3),
      is_repeat: edge([1, 1, 0], [2, -1]),
      repeat_type: edge([0, 1, 2, 5, 7], [3, -1, 1e9]),
      repeat_until: edge(
        [0, start - 1, start, start + DAY, start + 400 * DAY, 2 ** 32 - 1],
        [-1, 2 ** 32, 1e15, BEYOND],
      ),
      is_custom_repeat: edge([1, 1, 0], [2]),
      repeat_interval: edge<number | string>(INTERVALS, [-1, 0.5, 1e308, BEYOND]),
      repeat_day_of_week: list([1, 3, 5, 7], [-1, 0, 8], 8),
      repeat_day_of_month: list([1, 15, 31], [-1, 0, 32], 8),
      timezone: edge([-12, 0, 8, 12], [-13, 13, 0.5, 1e9]),
    },
    { requiredKeys: [] },
  )
}

export function scheduleSequenceFamily(): fc.Arbitrary<FuzzCase> {
  const add = byName('schedule.add')
  const get = byName('schedule.get')
  const del = byName('schedule.del')
  return fc.tuple(START, DURATION, pick(0, 1)).chain(([offset, duration, wholeDay]) => {
    const start = BASE + offset
    const op = fc.oneof(
      { weight: 3, arbitrary: clockMove(start, duration).map((c) => [setClock(c)]) },
      { weight: 3, arbitrary: fc.constant([request(get, { body: '{"schedule_id_list":["__SCHEDULEID__"]}' })]) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(edge([0, 1, 2], [3, -1, 0.5]), pick(-1, 0, 1, DAY, 7 * DAY, 1e9), fc.boolean())
          .map(([mode, at, withTime]) => [
            request(del, {
              body: json({
                schedule_id: '__SCHEDULEID__',
                op_mode: mode,
                ...(withTime ? { op_start_time: start + at } : {}),
              }),
            }),
          ]),
      },
    )
    return fc.tuple(scheduleReminders(start), fc.array(op, { minLength: 1, maxLength: 5 })).map(([reminders, ops]) => {
      const base = scheduleAddBody() as { schedule: Record<string, unknown> }
      const body = {
        ...base,
        schedule: {
          ...base.schedule,
          start_time: start,
          end_time: start + duration,
          is_whole_day: wholeDay,
          reminders,
        },
      }
      return {
        family: 'recurrence',
        kind: `schedule:${reminders.is_custom_repeat === 1 ? 'custom' : 'plain'}:type=${reminders.repeat_type ?? '-'}`,
        endpoint: 'schedule.add',
        steps: [
          { ...request(add, { body: json(body) }), capture: { SCHEDULEID: 'schedule_id' } },
          ...ops.flat(),
          request(get, { body: '{"schedule_id_list":["__SCHEDULEID__"]}' }),
        ],
      }
    })
  })
}

/** schedule.reminders of compose_send (minutes, not seconds; week and month lists too). */
function mailReminders(start: number) {
  return fc.record(
    {
      is_remind: edge([0, 1], [2]),
      remind_before_event_mins: edge([0, 5, 15, 60, 1440], [-1, 1e9, 0.5]),
      timezone: edge([-12, 0, 8, 12], [-13, 13, 0.5]),
      is_repeat: edge([1, 1, 0], [2]),
      is_custom_repeat: edge([1, 1, 0], [2]),
      repeat_type: edge([0, 1, 2, 5], [7, 3, -1]),
      repeat_interval: edge<number | string>(INTERVALS, [-1, 0.5, 1e308, BEYOND]),
      repeat_day_of_week: list([1, 3, 7], [-1, 0, 8], 6),
      repeat_day_of_month: list([1, 31], [-1, 0, 32], 6),
      repeat_week_of_month: list([1, 4, 5], [-1, 0, 6], 4),
      repeat_month_of_year: list([1, 6, 12], [0, 13], 4),
      repeat_until: edge(
        [0, start - 1, start, start + DAY, start + 400 * DAY, 2 ** 32 - 1],
        [-1, 2 ** 32, 1e15, BEYOND],
      ),
    },
    { requiredKeys: [] },
  )
}

export function mailSequenceFamily(): fc.Arbitrary<FuzzCase> {
  const send = byName('exmail.compose_send')
  const getInfo = byName('meeting.get_info')
  const get = byName('schedule.get')
  return fc.tuple(START, DURATION).chain(([offset, duration]) => {
    const start = BASE + offset
    const mail = (reminders: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const base = composeSendBody() as { schedule: Record<string, unknown> }
      return json({
        ...base,
        schedule: { ...base.schedule, start_time: start, end_time: start + duration, reminders, ...extra },
      })
    }
    const op = fc.oneof(
      { weight: 3, arbitrary: clockMove(start, duration).map((c) => [setClock(c)]) },
      { weight: 3, arbitrary: fc.constant([request(getInfo, { body: '{"meetingid":"__MAILMEETINGID__"}' })]) },
      { weight: 2, arbitrary: fc.constant([request(get, { body: '{"schedule_id_list":["__MAILSCHEDULEID__"]}' })]) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(mailReminders(start), edge(['request', 'request', 'cancel'], ['x']))
          .map(([reminders, method]) => [
            request(send, { body: mail(reminders, { schedule_id: '__MAILSCHEDULEID__', method }) }),
          ]),
      },
    )
    return fc.tuple(mailReminders(start), fc.array(op, { minLength: 1, maxLength: 5 })).map(([reminders, ops]) => ({
      family: 'recurrence',
      kind: `mail:${reminders.is_custom_repeat === 1 ? 'custom' : 'plain'}:type=${reminders.repeat_type ?? '-'}`,
      endpoint: 'exmail.compose_send',
      steps: [
        request(send, { body: mail(reminders) }),
        {
          op: 'control',
          call: 'mailSchedules',
          capture: { MAILSCHEDULEID: '-1.schedule_id', MAILMEETINGID: '-1.meetingid' },
        },
        ...ops.flat(),
        request(getInfo, { body: '{"meetingid":"__MAILMEETINGID__"}' }),
      ],
    }))
  })
}
