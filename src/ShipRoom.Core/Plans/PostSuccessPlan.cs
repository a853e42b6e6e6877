namespace ShipRoom.Core.Plans;

/// <summary>
/// <c>postSuccess:</c> — what is pre-approved once the rollout has been stable at 100% for <c>settings.stabilisation</c>
/// and completes: the deploy actions to send (<see cref="Actions"/>), whether ShipRoom drafts the win note for a PM,
/// and when the cohort review is due after GA and which metrics it reports.
/// </summary>
public sealed record PostSuccessPlan(IReadOnlyList<string> Actions, bool WinNote, CohortReviewPlan? CohortReview);

/// <summary>The cohort review: due <see cref="After"/> GA, reporting <see cref="Metrics"/> (canary vs control from the stored samples).</summary>
public sealed record CohortReviewPlan(TimeSpan After, IReadOnlyList<string> Metrics);

/// <summary>The deploy actions a plan may name under <c>postSuccess.actions</c>.</summary>
public static class PostSuccessActions
{
    /// <summary>Lift the payment caps (the same action the advance past <c>paymentCaps.through</c> sends).</summary>
    public const string LiftPaymentCaps = "lift-payment-caps";

    /// <summary>Remove the infra lock (LB/CDN, provider configuration) the canary held.</summary>
    public const string RemoveInfraLock = "remove-infra-lock";

    public static IReadOnlyList<string> Known { get; } = [LiftPaymentCaps, RemoveInfraLock];

    public static string Describe(string action) => action switch
    {
        LiftPaymentCaps => "Lift payment caps",
        RemoveInfraLock => "Remove the infra lock",
        _ => action,
    };
}

/// <summary>The post-success steps besides the plan's deploy actions (which keep their action names), and their order.</summary>
public static class PostSuccessSteps
{
    public const string ChangeFreeze = "change-freeze";
    public const string WinNote = "win-note";
    public const string CohortReview = "cohort-review";

    /// <summary>Every step the plan pre-approves after success, in the order they run: deploy actions, the freeze, the win note, the review.</summary>
    public static IReadOnlyList<string> For(RolloutPlan plan)
    {
        if (plan.PostSuccess is not { } post)
        {
            return [];
        }

        var steps = new List<string>(post.Actions);
        if (plan.ChangeFreeze is not null)
        {
            steps.Add(ChangeFreeze);
        }

        if (post.WinNote)
        {
            steps.Add(WinNote);
        }

        if (post.CohortReview is not null)
        {
            steps.Add(CohortReview);
        }

        return steps;
    }

    public static string Describe(string step) => step switch
    {
        ChangeFreeze => "Start the change freeze",
        WinNote => "Draft the win note",
        CohortReview => "Post the cohort review",
        _ => PostSuccessActions.Describe(step),
    };
}
