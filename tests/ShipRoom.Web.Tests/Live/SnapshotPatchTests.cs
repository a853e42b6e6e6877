using System.Text.Json.Nodes;
using ShipRoom.Web.Live;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// The patch rule of docs/live-updates.md, value by value: what <see cref="SnapshotPatch"/> builds, a client that follows
/// the rule (<see cref="HubMirror.Patched"/>) turns the old value into the new one, and equal values send nothing.
/// </summary>
public sealed class SnapshotPatchTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", """{"a":2,"b":"x"}""", """{"a":2}""")]
    [InlineData("""{"a":null,"b":1}""", """{"a":{"c":1},"b":1}""", """{"a":{"$set":{"c":1}}}""")]
    [InlineData("""{"a":{"c":1},"b":1}""", """{"a":null,"b":1}""", """{"a":null}""")]
    [InlineData("""{"a":{"c":1}}""", """{"a":{"d":1}}""", """{"a":{"$set":{"d":1}}}""")]
    [InlineData("""{"a":{"c":1,"d":2}}""", """{"a":{"c":1}}""", """{"a":{"$set":{"c":1}}}""")]
    [InlineData("""{"a":[1,2,3]}""", """{"a":[1,2,3,4]}""", """{"a":[1,2,3,4]}""")]
    [InlineData("""{"a":[{"k":"p","v":1,"n":"long name that stays"},{"k":"q","v":2,"n":"another long name"}]}""", """{"a":[{"k":"p","v":1,"n":"long name that stays"},{"k":"q","v":3,"n":"another long name"}]}""", """{"a":{"$items":{"1":{"v":3}}}}""")]
    [InlineData("""{"a":[[1,2],[3,4]]}""", """{"a":[[1,2],[3,5]]}""", null)]
    [InlineData("""{"a":1.5}""", """{"a":"NaN"}""", """{"a":"NaN"}""")]
    [InlineData("""{"a":"NaN"}""", """{"a":2.5}""", """{"a":2.5}""")]
    [InlineData("""{"t":[{"id":3,"what":"held by the IC for a look"},{"id":2,"what":"advanced to 25%"},{"id":1,"what":"started"}]}""", """{"t":[{"id":4,"what":"resumed"},{"id":3,"what":"held by the IC for a look"},{"id":2,"what":"advanced to 25%"}]}""", """{"t":[{"id":4,"what":"resumed"},{"id":3,"what":"held by the IC for a look"},{"id":2,"what":"advanced to 25%"}]}""")]
    public void A_client_that_applies_the_patch_ends_with_the_new_value(string before, string after, string? expectedPatch)
    {
        Assert.True(SnapshotPatch.TryBetween(JsonNode.Parse(before), JsonNode.Parse(after), out var patch));

        if (expectedPatch is not null)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedPatch), patch), $"patch {patch?.ToJsonString()}");
        }

        var applied = HubMirror.Patched(JsonNode.Parse(before), patch);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(after), applied), $"applied {applied?.ToJsonString()}");
    }

    [Theory]
    [InlineData("""{"a":[1,{"b":"NaN"}],"c":null}""")]
    [InlineData("null")]
    public void Equal_values_send_nothing(string value) =>
        Assert.False(SnapshotPatch.TryBetween(JsonNode.Parse(value), JsonNode.Parse(value), out _));
}
