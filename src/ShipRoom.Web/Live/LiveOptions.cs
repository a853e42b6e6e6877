using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Live;

/// <summary>ShipRoom:Live: what this instance keeps in memory for its viewers.</summary>
public sealed class LiveOptions
{
    /// <summary>
    /// Snapshots of finished rollouts kept for viewers (live rollouts are always kept). Older ones are dropped and built
    /// again from storage if someone opens them, so memory stays flat while the demo starts rollout after rollout.
    /// </summary>
    public int FinishedRolloutsKept { get; set; } = 32;
}

public sealed class LiveOptionsValidator : IValidateOptions<LiveOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.LiveSection);
        problems.Range(nameof(options.FinishedRolloutsKept), options.FinishedRolloutsKept, 0, 10_000);
        return problems.Result;
    }
}
