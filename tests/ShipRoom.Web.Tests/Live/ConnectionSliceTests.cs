using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Live;

/// <summary>SignalR asks a slice of watchers whether each of the hub's connections is in it: by hash, and only its own.</summary>
public sealed class ConnectionSliceTests
{
    [Fact]
    public void A_slice_holds_its_own_range_of_the_watchers_and_answers_contains_for_it_alone()
    {
        string[] watchers = ["a", "b", "c", "d", "e"];
        var slice = new ConnectionSlice(watchers, 1, 3);

        Assert.Equal(["b", "c", "d"], slice);
        Assert.Equal(3, slice.Count);
        Assert.Equal("c", slice[1]);
        // The way SignalR's send to connections asks: Enumerable.Contains on the list it was given, which a collection answers itself.
        // A collection, so that Enumerable.Contains asks it (by hash) instead of enumerating.
        Assert.IsAssignableFrom<ICollection<string>>(slice);
        IReadOnlyList<string> given = slice;
        var (inside, before, after) = (given.Contains("d"), given.Contains("a"), given.Contains("e"));
        Assert.True(inside);
        Assert.False(before);
        Assert.False(after);
        Assert.Throws<NotSupportedException>(() => ((ICollection<string>)slice).Add("f"));
    }
}
