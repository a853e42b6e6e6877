using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Security;

namespace ShipRoom.Core.Recordings;

/// <summary>
/// Sign-offs as CSV for `shiproom evaluate --approvals`: a header <c>who,role,from_phase,reason,time</c>, one row per
/// sign-off for leaving a phase (the phase by name, as in the plan). Every field is required: a sign-off without a
/// reason is not one.
/// </summary>
public static class ApprovalCsv
{
    public static readonly string[] Required = ["who", "role", "from_phase", "reason", "time"];

    public static (IReadOnlyList<ApprovalGiven> Approvals, IReadOnlyList<CsvProblem> Problems) Read(string text, RolloutPlan plan)
    {
        var (table, headerProblem) = CsvTable.Parse(text, Required, []);
        if (table is null)
        {
            return ([], [headerProblem!]);
        }

        var approvals = new List<ApprovalGiven>();
        var problems = new List<CsvProblem>();
        var phases = string.Join(", ", plan.Phases.Take(plan.Phases.Count - 1).Select(p => p.Name));
        foreach (var row in table.Rows)
        {
            var phase = plan.PhaseIndexOf(row["from_phase"]);
            if (row["who"].Length == 0)
            {
                problems.Add(new CsvProblem(row.Line, "who is empty: name the person who signed off"));
            }
            else if (!Roles.IsKnown(row["role"]))
            {
                problems.Add(new CsvProblem(row.Line, $"role '{row["role"]}' is not a ShipRoom role ({string.Join(", ", Roles.All)})"));
            }
            else if (phase < 0 || phase == plan.Phases.Count - 1)
            {
                problems.Add(new CsvProblem(row.Line, $"from_phase '{row["from_phase"]}' is not a phase the plan leaves (phases: {phases})"));
            }
            else if (row["reason"].Length == 0)
            {
                problems.Add(new CsvProblem(row.Line, "reason is empty: a sign-off records why"));
            }
            else if (!IsoTime.TryParse(row["time"], out var at))
            {
                problems.Add(new CsvProblem(row.Line, $"time '{row["time"]}' is not an ISO 8601 time"));
            }
            else
            {
                approvals.Add(new ApprovalGiven(phase, row["who"], row["role"], row["reason"], at));
            }
        }

        return (approvals, problems);
    }
}
