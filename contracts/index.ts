/**
 * `worksuite-mock/contracts`: the contract suite as a library, to prove your own client against a stub
 * server, the in-process emulator or the live APIs. The vitest helper (one test per case) is
 * `worksuite-mock/contracts/vitest`, apart so that this entry point never loads vitest.
 *
 * @example
 * import { runContracts, summaryText, urlTarget } from 'worksuite-mock/contracts'
 * const report = await runContracts({ target: await urlTarget('http://127.0.0.1:3000'), client: myAdapter })
 * console.log(summaryText(report))
 */
export type { BaseUrls, ContractClient, EndpointMethods, RawRequest, WireResponse } from './client/types.ts'
export { LIVE_BASE_URLS } from './client/types.ts'
export { CASES_DIR, CaseFileError, type LoadedCase, loadCaseFile, loadCases, matchesFilter } from './runner/cases.ts'
export { junitXml, progressLine, summaryText } from './runner/report.ts'
export {
  type CaseResult,
  type CleanupResult,
  type ClientChoice,
  makeClient,
  type RunOptions,
  type RunReport,
  runContracts,
  type StepResult,
  type Tally,
} from './runner/run.ts'
export {
  type ControlPlane,
  type Credentials,
  emulatorTarget,
  inProcessFetch,
  LIVE_ENV,
  liveTarget,
  seedCredentials,
  type Target,
  urlTarget,
} from './runner/targets.ts'
