using System.Runtime.CompilerServices;
using System.Text.Json;
using ShipRoom.Core;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>
/// A revision for each part of a published snapshot (its timeline, checklists, posts …): a part equal to the held
/// snapshot's part gets that part's revision, a changed one a new revision. Each poll builds every list afresh, so a panel
/// cannot tell "unchanged" by reference, and comparing the lists' contents in every viewer's panels would cost per viewer;
/// equality is decided here once per snapshot, by the JSON text the store already keeps of each top-level property
/// (<see cref="RolloutUpdateBuilder.Fingerprint"/>). Panels (chart series) and the verdict (gate histories) are left out of
/// that text and never get a revision whole; of the verdict, the error budgets are compared on their own (the trigger
/// board's values are live cells).
/// Parts with one revision have equal JSON. The published snapshot itself is held as it is: nothing in it is replaced.
/// </summary>
public static class PartRevisions
{
    private static readonly ConditionalWeakTable<object, object> Revisions = new();

    /// <summary>What a panel compares (<see cref="ShownParts"/>): the part's revision once the store has judged it, else the part itself.</summary>
    public static object? Of(object? part) => part is not null && Revisions.TryGetValue(part, out var revision) ? revision : part;

    /// <summary>Gives the parts of <paramref name="current"/> the revisions of <paramref name="held"/>'s equal parts, new ones to the rest.</summary>
    public static void Carry(RolloutSnapshot? held, IReadOnlyDictionary<string, byte[]>? heldSlim, RolloutSnapshot current, IReadOnlyDictionary<string, byte[]> currentSlim)
    {
        bool Same(string name) => heldSlim is not null && heldSlim.TryGetValue(name, out var a) && currentSlim.TryGetValue(name, out var b) && a.AsSpan().SequenceEqual(b);

        Carry(held?.Release, current.Release, Same("release"));
        Carry(held?.Phases, current.Phases, Same("phases"));
        Carry(held?.Poll, current.Poll, Same("poll"));
        Carry(held?.PaymentCaps, current.PaymentCaps, Same("paymentCaps"));
        Carry(held?.Timeline, current.Timeline, Same("timeline"));
        Carry(held?.Rollback, current.Rollback, Same("rollback"));
        Carry(held?.Checklists, current.Checklists, Same("checklists"));
        Carry(held?.Summaries, current.Summaries, Same("summaries"));
        Carry(held?.Roster, current.Roster, Same("roster"));
        Carry(held?.Probes, current.Probes, Same("probes"));
        Carry(held?.Posts, current.Posts, Same("posts"));
        Carry(held?.Paging, current.Paging, Same("paging"));
        Carry(held?.Postmortem, current.Postmortem, Same("postmortem"));
        Carry(held?.PostSuccess, current.PostSuccess, Same("postSuccess"));
        if (current.Verdict is { } verdict)
        {
            Carry(held?.Verdict?.Budgets, verdict.Budgets, held?.Verdict is { } before && SameJson(before.Budgets, verdict.Budgets));
        }
    }

    private static void Carry(object? held, object? current, bool same)
    {
        if (current is null || ReferenceEquals(held, current))
        {
            return;
        }

        if (same && held is not null)
        {
            Revisions.AddOrUpdate(current, Revisions.GetValue(held, _ => new object()));
        }
        else if (!Revisions.TryGetValue(current, out _))
        {
            // A part met again (an empty list the runtime shares) keeps its revision: every part with it has equal JSON.
            Revisions.AddOrUpdate(current, new object());
        }
    }

    private static bool SameJson<T>(T a, T b) =>
        ReferenceEquals(a, b) || JsonSerializer.SerializeToUtf8Bytes(a, ShipRoomJson.Options).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, ShipRoomJson.Options));
}
