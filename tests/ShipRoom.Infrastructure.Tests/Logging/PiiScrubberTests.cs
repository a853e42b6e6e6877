using ShipRoom.Infrastructure.Logging;

namespace ShipRoom.Infrastructure.Tests.Logging;

public sealed class PiiScrubberTests
{
    [Theory]
    [InlineData("Paged jane.doe@example.com about the hold", "Paged [email] about the hold")]
    [InlineData("call +1 415-555-0132 now", "call [phone] now")]
    [InlineData("call (415) 555-0132 now", "call [phone] now")]
    [InlineData("call 415-555-0132 now", "call [phone] now")]
    [InlineData("call +44 20 7946 0958 now", "call [phone] now")]
    [InlineData("call 020 7946 0958 now", "call [phone] now")]
    [InlineData("call +33 6 12 34 56 78 now", "call [phone] now")]
    [InlineData("card 4111 1111 1111 1111 declined", "card [card] declined")]
    [InlineData("card 4111-1111-1111-1111 declined", "card [card] declined")]
    [InlineData("card 4111111111111111 declined", "card [card] declined")]
    [InlineData("password=hunter2; next", "password=[secret]; next")]
    [InlineData("Authorization: Bearer-abc.def", "Authorization: [secret]")]
    [InlineData("Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl", "Authorization: [secret]")]
    [InlineData("sent with Bearer abcdef0123456789 to the hook", "sent with Bearer [secret] to the hook")]
    [InlineData("GET /cb?access_token=abc123&state=1", "GET /cb?access_token=[secret]&state=1")]
    [InlineData("client_secret: s3cr3t-value", "client_secret: [secret]")]
    [InlineData("token srt_ab12cd34ef56_Zm9vYmFyLWJhei1xdXV4 was revoked", "token [token] was revoked")]
    [InlineData("id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sflKxwRJSMeKKF2QT4fw refused", "id [token] refused")]
    public void Personal_data_and_secrets_are_masked(string input, string expected) => Assert.Equal(expected, PiiScrubber.Scrub(input));

    [Theory]
    [InlineData("P95 latency 118.5 ms at 2026-11-25T10:04:00Z")]
    [InlineData("rollout 42 advanced to phase 3 (50%)")]
    [InlineData("release v20261125.1 commit 9f8e7d6c5b4a")]
    [InlineData("order id 1234567890123 is not a card")]
    [InlineData("hold until 2026-11-25 12:00")]
    [InlineData("1200 3400 5600 requests in the window")]
    [InlineData("window 2026-11-25 12:00 to 2026-11-25 12:15 (15 min)")]
    [InlineData("OpenTelemetry 1.20.1, Quartz 4.7.3, build 10.0.401")]
    [InlineData("Prometheus at 10.0.12.7:9090 answered in 0.25 s")]
    [InlineData("1 234 567 sign-ups, cost 1,234,567.89 USD, 99.5% success")]
    [InlineData("backfilled 00:15:00 of samples, 5166 stored")]
    [InlineData("dates 25/11/2026 and 2026.11.25 stay")]
    public void Operational_text_is_left_alone(string input) => Assert.Equal(input, PiiScrubber.Scrub(input));
}
