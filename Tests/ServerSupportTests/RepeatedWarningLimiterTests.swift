import Testing
import ServerSupport

@Suite struct RepeatedWarningLimiterTests {
    @Test func onePerIntervalWithTheCountHeldBack() {
        let limiter = RepeatedWarningLimiter(interval: .seconds(1))
        let start = ContinuousClock.now
        #expect(limiter.admit(now: start) == 0, "the first is logged")
        #expect(limiter.admit(now: start + .milliseconds(10)) == nil)
        #expect(limiter.admit(now: start + .milliseconds(999)) == nil)
        #expect(limiter.admit(now: start + .seconds(1)) == 2, "the next after the interval says two were held back")
        #expect(limiter.admit(now: start + .milliseconds(1500)) == nil)
        #expect(limiter.admit(now: start + .seconds(5)) == 1)
        #expect(limiter.admit(now: start + .seconds(7)) == 0, "nothing held back since")
    }
}
