namespace ShipRoom.Core.Notifications;

/// <summary>
/// Every kind of #ship-room post the directives ask for, the placeholders its template may use, and the default
/// wording. The first line of a template is the post's title; a line whose placeholders all came out empty is dropped.
/// </summary>
public static class PostKinds
{
    public const string TMinus2h = "t-2h";
    public const string TMinus1h = "t-1h";
    public const string T0 = "t-0";
    public const string CadenceReport = "report";
    public const string GateResults = "gates";
    public const string TriggerFired = "trigger";
    public const string Hold = "hold";
    public const string Resume = "resume";
    public const string Rollback = "rollback";
    public const string Advance = "advance";
    public const string Complete = "complete";
    public const string ApprovalRequested = "approval-requested";
    public const string ApprovalGiven = "approval-given";
    public const string PhaseSummary = "summary";
    public const string ExecutiveUpdate = "exec-update";

    /// <summary>Placeholders every post may use.</summary>
    public static IReadOnlyList<string> Common { get; } = ["rollout", "release", "commit", "phase", "traffic", "status", "time", "dashboard", "recommendation", "overall"];

    public static IReadOnlyList<PostKind> All { get; } =
    [
        new(TMinus2h, "T-2h: region, roster, links", ["region", "region_rationale", "scope", "phases", "roster", "t0", "checklist"],
            """
            T-2h: {release} canary in {region} at {t0}
            Region: {region}. Why: {region_rationale}
            Scope: {scope}
            Plan: {phases}
            DRI roster:
            {roster}
            T-2h checklist: {checklist}
            Dashboard: {dashboard}
            """),
        new(TMinus1h, "T-1h: pre-flight and security sign-off", ["preflight", "preflight_open", "security_signoff", "rollback_runbook", "t0"],
            """
            T-1h: {release} pre-flight {preflight}
            Still open: {preflight_open}
            Security sign-off: {security_signoff}
            Rollback runbook: {rollback_runbook}
            Dashboard: {dashboard}
            """),
        new(T0, "T-0: version tag and SHA, start", ["actor", "reason", "routing", "blast_radius", "rollback_runbook", "cadence"],
            """
            T-0: {release} ({commit}) is starting at {phase}
            Started by {actor}: {reason}
            Canary routing: {routing}
            Blast radius: {blast_radius}
            Rollback runbook: {rollback_runbook}
            Reports every {cadence} from now. Dashboard: {dashboard}
            """),
        new(CadenceReport, "15-minute cadence report", ["slot", "cadence", "reasons", "score", "latency", "errors", "budget", "signals", "payments", "cache_db", "economics", "anomalies", "probes", "observed"],
            """
            {release} at {phase}: {slot} report — {recommendation}
            Recommendation: {recommendation}. {reasons}
            Gates: {overall}; canary score {score}; observed {observed}
            Latency (canary vs control):
            {latency}
            Errors:
            {errors}
            Error budget: {budget}
            External signals: {signals}
            Payments:
            {payments}
            Cache and database:
            {cache_db}
            Unit economics:
            {economics}
            Top anomalies:
            {anomalies}
            Synthetic probes: {probes}
            Dashboard: {dashboard}
            """),
        new(GateResults, "Gate results at the end of a phase's window", ["gates", "advance", "observed"],
            """
            Gate results at {phase}: {overall}
            {gates}
            Observed {observed}. Next step: {advance}
            Dashboard: {dashboard}
            """),
        new(TriggerFired, "Trigger fired", ["trigger", "action", "condition", "held", "detail"],
            """
            Trigger fired: {trigger} → {action}
            Condition: {condition}; held {held}
            {detail}
            Dashboard: {dashboard}
            """),
        new(Hold, "Hold", ["actor", "reason", "result"],
            """
            HOLD: {release} held at {phase} — {result}
            By {actor}: {reason}
            Dashboard: {dashboard}
            """),
        new(Resume, "Resume", ["actor", "reason"],
            """
            Resumed: {release} at {phase}
            By {actor}: {reason}
            Dashboard: {dashboard}
            """),
        new(Rollback, "Rollback executed (or recorded), with its time to rollback", ["actor", "reason", "time_to_rollback", "rollback_budget", "outcome", "result"],
            """
            ROLLBACK: {release} at {phase} — {result}
            By {actor}: {reason}
            Time to rollback: {time_to_rollback} (budget {rollback_budget})
            Executor: {outcome}
            Dashboard: {dashboard}
            """),
        new(Advance, "Phase advanced", ["actor", "reason", "gates"],
            """
            Advanced: {release} is now at {phase} ({traffic})
            By {actor}: {reason}
            Dashboard: {dashboard}
            """),
        new(Complete, "Rollout completed", ["actor", "reason"],
            """
            Completed: {release} is fully rolled out
            By {actor}: {reason}
            Dashboard: {dashboard}
            """),
        new(ApprovalRequested, "Approval requested", ["approver", "next_phase", "missing"],
            """
            Approval needed: {release} {phase} → {next_phase} waits for the {approver}
            Gates: {overall}. Not auto-approved because: {missing}
            Dashboard: {dashboard}
            """),
        new(ApprovalGiven, "Approval given", ["actor", "reason", "next_phase"],
            """
            Approved: {release} {phase} → {next_phase} by {actor}
            {reason}
            Dashboard: {dashboard}
            """),
        new(PhaseSummary, "Phase summary posted", ["actor", "summary", "summary_recommendation"],
            """
            Phase summary for {phase} by {actor}: {summary_recommendation}
            {summary}
            Dashboard: {dashboard}
            """),
        new(ExecutiveUpdate, "The executive's scheduled update (settings.executiveUpdates)", ["update_name", "slot", "budget", "latency", "signals", "economics", "blockers", "score"],
            """
            {update_name}, {slot}: {release} is {status} at {phase}
            Recommendation: {recommendation}. Gates: {overall}; canary score {score}
            SLOs and error budget: {budget}
            Latency (canary vs control):
            {latency}
            Security findings and incidents: {signals}
            Cloud spend and unit economics:
            {economics}
            Blocking issues (owner, due):
            {blockers}
            Dashboard: {dashboard}
            """),
    ];

    public static PostKind? Find(string kind) => All.FirstOrDefault(k => k.Key == kind);
}

/// <summary>A post kind: its key, what it is for, the placeholders its template may use besides the common ones, and its default template.</summary>
public sealed record PostKind(string Key, string Description, IReadOnlyList<string> Placeholders, string DefaultTemplate)
{
    public IEnumerable<string> AllPlaceholders => PostKinds.Common.Concat(Placeholders);
}
