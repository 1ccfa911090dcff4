/** The HTTP face of the meetings module: one route per endpoint, each a thin call into its rules. */
import type { RouteDef } from '../../core/module.ts'

export function meetingRoutes(): RouteDef[] {
  return []
}
