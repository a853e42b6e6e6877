using ShipRoom.Infrastructure.Logging;

namespace ShipRoom.Infrastructure.Tests.Logging;

public sealed class PiiScrubberTests
{
    [Theory]
    [InlineData("Paged jane.doe@example.com about the hold", "Paged [email] about the hold")]
    [InlineData("call +1 415-555-0132 now", "call [phone] now")]
    [InlineData("call (415) 555-0132 now", "call [phone] now")]
    [InlineData("card 4111 1111 1111 1111 declined", "card [card] declined")]
    [InlineData("card 4111-1111-1111-1111 declined", "card [card] declined")]
    [InlineData("card 4111111111111111 declined", "card [card] declined")]
    [InlineData("password=hunter2; next", "password=[secret]; next")]
    [InlineData("Authorization: Bearer-abc.def", "Authorization: [secret]")]
    public void Personal_data_is_masked(string input, string expected) => Assert.Equal(expected, PiiScrubber.Scrub(input));

    [Theory]
    [InlineData("P95 latency 118.5 ms at 2026-11-25T10:04:00Z")]
    [InlineData("rollout 42 advanced to phase 3 (50%)")]
    [InlineData("release v20261125.1 commit 9f8e7d6c5b4a")]
    [InlineData("order id 1234567890123 is not a card")]
    public void Operational_text_is_left_alone(string input) => Assert.Equal(input, PiiScrubber.Scrub(input));
}
