using ShipRoom.Core.Evaluation;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>The count of complete minutes the gates and the advance rule use is the number of minutes <see cref="Minutes.Complete"/> yields.</summary>
public sealed class MinutesTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 30)]
    [InlineData(0, 60)]
    [InlineData(0, 90)]
    [InlineData(20, 60)]
    [InlineData(20, 80)]
    [InlineData(20, 140)]
    [InlineData(90, 30)]
    [InlineData(0, 259_200)]
    public void The_count_is_the_number_of_complete_minutes(int fromSeconds, int nowSeconds)
    {
        var (from, now) = (Ten.AddSeconds(fromSeconds), Ten.AddSeconds(nowSeconds));
        Assert.Equal(Minutes.Complete(from, now).Count(), Minutes.CompleteCount(from, now));
    }
}
