using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Configuration;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>ShipRoom:Polling: how often metrics are read when a plan does not say (pollEvery), and what counts as stale.</summary>
public sealed class PollScheduleOptions
{
    public const string SectionName = ConfigurationKeys.PollingSection;

    /// <summary>The product card's cadence: every 15 minutes unless the plan's pollEvery says otherwise.</summary>
    public TimeSpan DefaultPollInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the scheduler looks for rollouts whose poll is due.</summary>
    public TimeSpan SchedulerTick { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Data older than two poll intervals plus this is shown as stale.</summary>
    public TimeSpan StaleGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After downtime a poll back-fills at most this much (one-minute samples).</summary>
    public TimeSpan MaxBackfill { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Synthetic probes run this often while a rollout is live.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many rollouts are polled at the same time: a slow metric source holds one slot, not the others.</summary>
    public int ParallelPolls { get; set; } = 4;

    /// <summary>
    /// How many of those may be back-fills (a first poll's hour, or what a downtime missed) at the same time: each is tens
    /// of steady polls' work. Unless told otherwise, half the cores (at least one): the other half is left to commands,
    /// steady polls and the database. On two cores, two at once kept both busy, and rollbacks given in those seconds
    /// waited for a core (docs/benchmarks.md, twenty-fifth round).
    /// </summary>
    public int ParallelBackfills { get; set; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 64);

    /// <summary>A poll's deadline is half its interval, but never less than this (a slow source still gets a fair chance)…</summary>
    public TimeSpan MinPollDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>…nor more than this: what has not arrived by then is NO DATA, with the reason.</summary>
    public TimeSpan MaxPollDeadline { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The wall-clock interval between polls of a rollout: its plan's pollEvery (rollout time) or <see cref="DefaultPollInterval"/>.</summary>
    public TimeSpan WallInterval(Storage.RolloutRecord rollout, Core.Plans.RolloutPlan plan) => RolloutClock.ToWall(rollout, plan.PollEvery ?? DefaultPollInterval);
}

public sealed class PollScheduleOptionsValidator : IValidateOptions<PollScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, PollScheduleOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.PollingSection);
        // Samples are one a minute: polling more often reads nothing new, and 0 would poll without pause.
        problems.Range(nameof(options.DefaultPollInterval), options.DefaultPollInterval, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1));
        problems.Range(nameof(options.SchedulerTick), options.SchedulerTick, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        problems.Range(nameof(options.StaleGrace), options.StaleGrace, TimeSpan.Zero, TimeSpan.FromHours(1));
        problems.Range(nameof(options.MaxBackfill), options.MaxBackfill, TimeSpan.FromMinutes(1), TimeSpan.FromDays(31));
        problems.Range(nameof(options.ProbeInterval), options.ProbeInterval, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        problems.Range(nameof(options.ParallelPolls), options.ParallelPolls, 1, 64);
        problems.Range(nameof(options.ParallelBackfills), options.ParallelBackfills, 1, 64);
        problems.Range(nameof(options.MinPollDeadline), options.MinPollDeadline, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        problems.Range(nameof(options.MaxPollDeadline), options.MaxPollDeadline, options.MinPollDeadline, TimeSpan.FromMinutes(30));
        return problems.Result;
    }
}
