namespace ShipRoom.Core.Tests;

/// <summary>Text from people and other systems (signal summaries, freeze reasons) stays on one line wherever it is shown.</summary>
public sealed class OneLineTextTests
{
    [Theory]
    [InlineData("checkout 5xx up", "checkout 5xx up")]
    [InlineData("  line one\r\nline two\t\u2028three\u0007 ", "line one line two three")]
    [InlineData("\n\n", "")]
    [InlineData(null, "")]
    public void Line_breaks_and_control_characters_become_one_space_and_the_ends_are_trimmed(string? text, string expected) =>
        Assert.Equal(expected, OneLineText.Of(text));
}
