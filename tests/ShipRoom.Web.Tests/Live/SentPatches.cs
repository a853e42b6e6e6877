using Bunit;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// What one live-cells.js <c>apply</c> call carries, as the values per scope LiveCells queued: null where a value did not
/// change (the call itself sends only the changed ones, with their slot numbers, and each scope's value count).
/// </summary>
public static class SentPatches
{
    public static List<(int Scope, string?[] Values)> Of(JSRuntimeInvocation apply)
    {
        var scopes = Assert.IsType<int[]>(apply.Arguments[0]);
        var sizes = Assert.IsType<int[]>(apply.Arguments[1]);
        var changed = Assert.IsType<int[][]>(apply.Arguments[2]);
        var values = Assert.IsType<string[][]>(apply.Arguments[3]);
        return scopes.Select((scope, s) =>
        {
            var all = new string?[sizes[s]];
            foreach (var (slot, value) in changed[s].Zip(values[s]))
            {
                all[slot] = value;
            }

            return (scope, all);
        }).ToList();
    }
}
