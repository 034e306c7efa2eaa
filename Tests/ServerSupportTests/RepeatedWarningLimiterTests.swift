import Testing
@testable import ServerSupport

@Suite struct RepeatedWarningLimiterTests {
    @Test func onePerIntervalWithTheCountHeldBackAndTheTimeSinceThePrevious() {
        let limiter = RepeatedWarningLimiter(interval: .seconds(1))
        let start = ContinuousClock.now
        #expect(limiter.admit(now: start) == .init(held: 0, sincePrevious: nil), "the first is logged")
        #expect(limiter.admit(now: start + .milliseconds(10)) == nil)
        #expect(limiter.admit(now: start + .milliseconds(999)) == nil)
        let next = limiter.admit(now: start + .seconds(1))
        #expect(next == .init(held: 2, sincePrevious: .seconds(1)), "the next after the interval says two were held back")
        #expect(next?.metadata == ["similarNotLogged": "2", "secondsSincePrevious": "1.0"])
        #expect(limiter.admit(now: start + .milliseconds(1500)) == nil)
        #expect(limiter.admit(now: start + .seconds(5)) == .init(held: 1, sincePrevious: .seconds(4)))
        #expect(limiter.admit(now: start + .seconds(7))?.held == 0, "nothing held back since")
    }
}
