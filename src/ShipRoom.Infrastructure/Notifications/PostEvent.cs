using ShipRoom.Core.Evaluation;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// Something the ship room should hear about. <see cref="EventKey"/> names it stably (the decision's id, the trigger and
/// when it fired, the report's slot, the phase), so however often it is noticed it is posted once per channel.
/// </summary>
public sealed record PostEvent(
    string Kind,
    string EventKey,
    DecisionRecord? Decision = null,
    PhaseSummaryRecord? Summary = null,
    TriggerVerdict? Trigger = null,
    int? PhaseIndex = null,
    string? GateLines = null,
    string? GateOverall = null,
    ExecutiveSlot? Executive = null);
