/** The part of autocannon's API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string
      connections?: number
      duration?: number
      amount?: number
      timeout?: number
      requests?: {
        setupRequest?: (req: unknown, context: unknown) => unknown
        onResponse?: (status: number, body: string, context: unknown) => void
      }[]
    }
    interface Result {
      errors: number
      timeouts: number
      non2xx: number
    }
    interface Instance extends PromiseLike<Result> {
      on(
        event: 'response',
        listener: (client: unknown, status: number, bytes: number, responseTime: number) => void,
      ): void
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance
  export default autocannon
}
