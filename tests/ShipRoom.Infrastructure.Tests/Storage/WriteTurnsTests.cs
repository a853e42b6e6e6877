using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

/// <summary>SQLite has one writer: a command someone waits for goes before the polls' background writes, which take turns.</summary>
public sealed class WriteTurnsTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Background_writes_take_turns()
    {
        var turns = new WriteTurns();
        var first = await turns.BackgroundAsync(Ct);
        var second = turns.BackgroundAsync(Ct);

        await Task.Delay(100, Ct);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(Bound, Ct)).Dispose();
    }

    [Fact]
    public async Task A_background_write_waits_until_no_command_is_being_carried_out()
    {
        var turns = new WriteTurns();
        var rollback = turns.Command();
        var hold = turns.Command();
        var background = turns.BackgroundAsync(Ct);

        await Task.Delay(100, Ct);
        Assert.False(background.IsCompleted);
        Assert.Equal(2, turns.CommandsInFlight);

        rollback.Dispose();
        rollback.Dispose(); // twice counts once
        await Task.Delay(100, Ct);
        Assert.False(background.IsCompleted);

        hold.Dispose();
        (await background.WaitAsync(Bound, Ct)).Dispose();
        Assert.Equal(0, turns.CommandsInFlight);
    }

    [Fact]
    public async Task A_background_write_goes_after_its_longest_wait_even_while_commands_keep_coming()
    {
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromMilliseconds(200));
        using var endless = turns.Command();

        (await turns.BackgroundAsync(Ct).WaitAsync(Bound, Ct)).Dispose();
        Assert.Equal(1, turns.CommandsInFlight);
    }

    [Fact]
    public async Task A_background_write_given_up_while_waiting_leaves_the_turn_to_the_next()
    {
        var turns = new WriteTurns();
        var command = turns.Command();
        using var giveUp = new CancellationTokenSource();
        var abandoned = turns.BackgroundAsync(giveUp.Token);
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        command.Dispose();
        (await turns.BackgroundAsync(Ct).WaitAsync(Bound, Ct)).Dispose();
    }

    [Fact]
    public async Task Writes_waiting_behind_a_long_command_yield_once_together_not_one_after_another()
    {
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromSeconds(1));
        using var slowDeploySystem = turns.Command();
        var waiting = Enumerable.Range(0, 3).Select(_ => turns.BackgroundAsync(Ct)).ToList();

        // Whichever gets the turn first; the others follow as each turn is given back.
        var first = await Task.WhenAny(waiting).WaitAsync(Bound, Ct);
        waiting.Remove(first);
        var released = System.Diagnostics.Stopwatch.StartNew();
        (await first).Dispose();
        while (waiting.Count > 0)
        {
            var next = await Task.WhenAny(waiting).WaitAsync(Bound, Ct);
            waiting.Remove(next);
            (await next).Dispose();
        }

        // One after another, each would have yielded its own second to the command.
        Assert.True(released.Elapsed < TimeSpan.FromSeconds(1), $"the other two writes took {released.Elapsed.TotalMilliseconds:F0} ms after the first");
    }

    [Fact]
    public async Task A_command_waiting_for_the_deploy_system_lets_the_polls_write_meanwhile()
    {
        var turns = new WriteTurns();
        using var rollback = turns.Command();
        var background = turns.BackgroundAsync(Ct);
        await Task.Delay(100, Ct);
        Assert.False(background.IsCompleted);

        using (turns.Aside())
        {
            (await background.WaitAsync(Bound, Ct)).Dispose();
            Assert.Equal(0, turns.CommandsInFlight);
        }

        Assert.Equal(1, turns.CommandsInFlight);
        var after = turns.BackgroundAsync(Ct);
        await Task.Delay(100, Ct);
        Assert.False(after.IsCompleted);
        rollback.Dispose();
        (await after.WaitAsync(Bound, Ct)).Dispose();
    }

    [Fact]
    public Task Without_a_single_writer_background_writes_go_side_by_side_but_still_after_the_commands() =>
        AssertSideBySideAfterCommandsAsync(new WriteTurns(singleWriter: false));

    [Fact]
    public async Task On_PostgreSQL_background_writes_yield_to_commands_and_go_side_by_side()
    {
        // No connection is opened: this is the factory's choice of turns.
        await using var factory = new PostgresConnectionFactory(Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Database=unused"));
        await AssertSideBySideAfterCommandsAsync(factory.Writes);
    }

    private static async Task AssertSideBySideAfterCommandsAsync(WriteTurns turns)
    {
        using (await turns.BackgroundAsync(Ct))
        {
            (await turns.BackgroundAsync(Ct).WaitAsync(Bound, Ct)).Dispose();
        }

        var rollback = turns.Command();
        var background = turns.BackgroundAsync(Ct);
        await Task.Delay(100, Ct);
        Assert.False(background.IsCompleted);

        rollback.Dispose();
        (await background.WaitAsync(Bound, Ct)).Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_write_of_many_statements_yields_between_them_to_a_command_given_meanwhile(bool singleWriter)
    {
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromSeconds(30), singleWriter: singleWriter);
        using var backFill = await turns.BackgroundAsync(Ct);
        await backFill.YieldToCommandsAsync(Ct).WaitAsync(Bound, Ct);

        var rollback = turns.Command();
        var next = backFill.YieldToCommandsAsync(Ct);
        await Task.Delay(100, Ct);
        Assert.False(next.IsCompleted);

        rollback.Dispose();
        await next.WaitAsync(Bound, Ct);
    }

    [Fact]
    public async Task A_write_yields_between_statements_no_longer_than_its_turns_bound_from_when_it_asked()
    {
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromMilliseconds(300), singleWriter: false);
        using var backFill = await turns.BackgroundAsync(Ct);
        using var endless = turns.Command();

        var waited = System.Diagnostics.Stopwatch.StartNew();
        var yielding = backFill.YieldToCommandsAsync(Ct);
        Assert.False(yielding.IsCompleted);
        await yielding.WaitAsync(Bound, Ct);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"yielded {waited.Elapsed.TotalMilliseconds:F0} ms");

        // Its bound is spent: later yields go at once.
        Assert.True(backFill.YieldToCommandsAsync(Ct).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Background_work_gives_way_to_a_command_carried_out_elsewhere_but_not_within_the_commands_own_code()
    {
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromSeconds(30), singleWriter: false);
        var rollback = await Task.Run(() => turns.Command(), Ct);
        var judging = turns.BackgroundWork().YieldToCommandsAsync(Ct);
        await Task.Delay(100, Ct);
        Assert.False(judging.IsCompleted);

        // An advance judges its rollout while it is being carried out: that judgement must not wait for itself. Other
        // turns' commands are not this one's.
        var elsewhere = new WriteTurns(maxBackgroundWait: TimeSpan.FromSeconds(30), singleWriter: false);
        using (var otherCommand = await Task.Run(() => elsewhere.Command(), Ct))
        using (turns.Command())
        {
            Assert.True(turns.BackgroundWork().YieldToCommandsAsync(Ct).IsCompletedSuccessfully);
            Assert.False(elsewhere.BackgroundWork().YieldToCommandsAsync(Ct).IsCompleted);
        }

        // The command's end ends its mark: background work here gives way to the rollback again.
        Assert.False(turns.BackgroundWork().YieldToCommandsAsync(Ct).IsCompleted);
        Assert.False(judging.IsCompleted);
        rollback.Dispose();
        await judging.WaitAsync(Bound, Ct);
        Assert.True(turns.BackgroundWork().YieldToCommandsAsync(Ct).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Background_work_of_several_steps_gives_way_no_longer_than_one_bound_in_all()
    {
        var turns = new WriteTurns(maxBackgroundWait: TimeSpan.FromSeconds(2), singleWriter: false);
        using var endless = await Task.Run(() => turns.Command(), Ct);
        var push = turns.BackgroundWork();

        var first = push.YieldToCommandsAsync(Ct);
        Assert.False(first.IsCompleted);
        await first.WaitAsync(Bound, Ct);
        Assert.True(push.YieldToCommandsAsync(Ct).IsCompletedSuccessfully);
        Assert.Equal(1, turns.CommandsInFlight);

        // Counted from when the work was asked for (a push, from when it was queued): one queued long ago goes at once.
        var queuedLongAgo = TimeProvider.System.GetTimestamp() - 3 * TimeProvider.System.TimestampFrequency;
        Assert.True(turns.BackgroundWork(queuedLongAgo).YieldToCommandsAsync(Ct).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task None_never_waits()
    {
        using var command = WriteTurns.None.Command();
        using var first = await WriteTurns.None.BackgroundAsync(Ct);
        var second = WriteTurns.None.BackgroundAsync(Ct);

        Assert.True(second.IsCompletedSuccessfully);
        Assert.True(first.YieldToCommandsAsync(Ct).IsCompletedSuccessfully);
        Assert.True(WriteTurns.None.BackgroundWork().YieldToCommandsAsync(Ct).IsCompletedSuccessfully);
        Assert.Equal(0, WriteTurns.None.CommandsInFlight);
    }
}
