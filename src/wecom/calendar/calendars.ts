/** The calendars of a corp's apps (the seed lists each app's, in order): who created one, and an app's default. */
import type { WecomApp, WecomCorp } from '../directory.ts'

/** Which app of the corp created a calendar, if any app did. */
export function calendarOwner(corp: WecomCorp, calId: string): WecomApp | undefined {
  for (const app of corp.apps.values()) if (app.calendars.has(calId)) return app
  return undefined
}

/** The app's default calendar: the first one it created (the seed lists them in order). */
export function defaultCalendar(app: WecomApp): string {
  return app.calendars.values().next().value ?? ''
}
