/** Runs in every test file: servers and interceptors a file opened and did not close are closed at its end. */
import { afterAll } from 'vitest'
import { closeOpenHarnesses } from './harness.ts'

afterAll(() => closeOpenHarnesses())
