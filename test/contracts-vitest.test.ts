/** The vitest helper: the auth cases as one vitest test each, against the emulator in process. */

import { emulatorTarget } from '../contracts/runner/targets.ts'
import { contractTests } from '../contracts/runner/vitest.ts'

contractTests({ target: () => emulatorTarget(), filter: 'auth', name: 'contracts via vitest', validateResponses: true })
