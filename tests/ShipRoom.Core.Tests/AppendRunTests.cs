using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Tests;

/// <summary>
/// A kept window grows by the new minutes in place of copying itself every poll, and no view of it ever sees a
/// sample change under it.
/// </summary>
public sealed class AppendRunTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

    private static List<MetricSample> Minutes(int from, int to) =>
        Enumerable.Range(from, to - from).Select(m => new MetricSample("error_rate", Cohort.Canary, null, T.AddMinutes(m), m)).ToList();

    private static List<double> Values(IReadOnlyList<MetricSample> run) => run.Select(s => s.Value).ToList();

    [Fact]
    public void The_next_minutes_are_appended_in_place_and_the_earlier_view_still_ends_where_it_did()
    {
        var first = AppendRun<MetricSample>.Of(Minutes(0, 60), 16);
        var second = first.Append(Minutes(60, 61));

        Assert.True(second.SharesItemsWith(first));
        Assert.Equal(Values(Minutes(0, 61)), Values(second));
        Assert.Equal(60, first.Count);
        Assert.Equal(Values(Minutes(0, 60)), Values(first));
        Assert.Throws<ArgumentOutOfRangeException>(() => first[60]);
    }

    [Fact]
    public void Two_windows_appended_to_the_same_one_each_keep_their_own_new_minutes()
    {
        // Two judgements of one rollout at once (a poll and a command's check) extend the same kept window.
        var kept = AppendRun<MetricSample>.Of(Minutes(0, 10), 16);
        var poll = kept.Append(Minutes(10, 12));
        var check = kept.Append([new MetricSample("error_rate", Cohort.Canary, null, T.AddMinutes(10), -1)]);

        Assert.True(poll.SharesItemsWith(kept));
        Assert.False(check.SharesItemsWith(kept));
        Assert.Equal(Values(Minutes(0, 12)), Values(poll));
        Assert.Equal([.. Values(Minutes(0, 10)), -1d], Values(check));

        // The poll's window goes on growing in place; the check's grows in its own array.
        Assert.True(poll.Append(Minutes(12, 13)).SharesItemsWith(kept));
        Assert.Equal(12, check.Append(Minutes(11, 12)).Count);
        Assert.Equal(Values(Minutes(0, 12)), Values(poll));
    }

    [Fact]
    public void A_view_starts_with_an_earlier_one_only_when_it_is_the_same_array_from_the_same_slot()
    {
        var kept = AppendRun<MetricSample>.Of(Minutes(0, 10), 16);
        var poll = kept.Append(Minutes(10, 12));
        var check = kept.Append(Minutes(10, 11)); // the same end appended twice: an array of its own

        Assert.True(poll.StartsWith(kept));
        Assert.True(kept.StartsWith(kept));
        Assert.False(kept.StartsWith(poll)); // shorter
        Assert.False(check.StartsWith(kept)); // equal items, another array: only a comparison can tell
        Assert.False(poll.From(1).StartsWith(kept)); // the same array from a later slot
        Assert.False(AppendRun<MetricSample>.Of(Minutes(0, 10), 16).StartsWith(kept));
    }

    [Fact]
    public void A_window_outgrowing_its_room_moves_to_a_larger_array_and_the_old_views_keep_theirs()
    {
        var run = AppendRun<MetricSample>.Of(Minutes(0, 100), 16);
        var views = new List<AppendRun<MetricSample>> { run };
        for (var minute = 100; minute < 3_000; minute += 100)
        {
            run = run.Append(Minutes(minute, minute + 100));
            views.Add(run);
        }

        Assert.Equal(Values(Minutes(0, 3_000)), Values(run));
        Assert.Contains(views, v => !v.SharesItemsWith(run)); // it moved at least once
        for (var i = 0; i < views.Count; i++)
        {
            Assert.Equal(Values(Minutes(0, 100 * (i + 1))), Values(views[i]));
        }
    }

    [Fact]
    public void A_window_starting_later_keeps_the_minutes_from_its_start_and_lets_most_of_the_old_ones_go()
    {
        var run = AppendRun<MetricSample>.Of(Minutes(0, 100), 16);

        var nearly = run.From(10);
        Assert.True(nearly.SharesItemsWith(run));
        Assert.Equal(Values(Minutes(10, 100)), Values(nearly));

        var mostlyGone = run.From(90); // more left out than kept: copied, so the 90 are not held on to
        Assert.False(mostlyGone.SharesItemsWith(run));
        Assert.Equal(Values(Minutes(90, 100)), Values(mostlyGone));
        Assert.Same(run, run.From(0));
        Assert.Empty(run.From(100));
        Assert.Throws<ArgumentOutOfRangeException>(() => run.From(101));
    }

    [Fact]
    public void An_adopted_array_is_appended_to_in_its_free_slots_only()
    {
        var items = new MetricSample[12];
        Minutes(0, 10).CopyTo(items);
        var run = AppendRun<MetricSample>.Adopt(items, 10, 16);

        var longer = run.Append(Minutes(10, 12));
        Assert.True(longer.SharesItemsWith(run));
        Assert.Equal(items[11], longer[11]);
        Assert.Equal(11, items[11].Value); // written in the adopted array itself
        Assert.False(longer.Append(Minutes(12, 13)).SharesItemsWith(run)); // full: a larger array
        Assert.Throws<ArgumentOutOfRangeException>(() => AppendRun<MetricSample>.Adopt(items, 13, 16));
    }
}
