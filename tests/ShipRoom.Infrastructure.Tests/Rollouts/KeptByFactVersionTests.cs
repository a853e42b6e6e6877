using ShipRoom.Infrastructure.Rollouts;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

public sealed class KeptByFactVersionTests
{
    [Fact]
    public async Task What_is_kept_is_reused_while_the_version_stands_and_read_again_when_it_moves_or_is_forgotten()
    {
        var kept = new KeptByFactVersion<string>();
        var reads = 0;
        Task<string> Read(string value)
        {
            reads++;
            return Task.FromResult(value);
        }

        Assert.Equal("a", await kept.GetOrReadAsync(1, 5, () => Read("a")));
        Assert.Equal("a", await kept.GetOrReadAsync(1, 5, () => Read("not read")));
        Assert.Equal("b", await kept.GetOrReadAsync(1, 6, () => Read("b")));
        Assert.Equal("other", await kept.GetOrReadAsync(2, 6, () => Read("other")));
        kept.Forget(1);
        Assert.Equal("c", await kept.GetOrReadAsync(1, 6, () => Read("c")));

        Assert.Equal((4, 1L), (reads, kept.Reused));
    }

    [Fact]
    public async Task A_read_at_an_older_version_that_finishes_last_does_not_replace_the_newer_one()
    {
        var kept = new KeptByFactVersion<string>();
        var older = new TaskCompletionSource<string>();
        var slow = kept.GetOrReadAsync(1, 5, () => older.Task);
        Assert.Equal("new", await kept.GetOrReadAsync(1, 6, () => Task.FromResult("new")));
        older.SetResult("old");
        Assert.Equal("old", await slow);

        Assert.Equal("new", await kept.GetOrReadAsync(1, 6, () => Task.FromResult("read again")));
    }
}
