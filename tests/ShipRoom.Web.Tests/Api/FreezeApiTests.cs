using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Live;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// GET /api/freezes asked by a real HttpClient over 127.0.0.1, as a CI job would: yes with nothing live, no while a
/// canary holds its infra lock (who, why, since when), yes again after the rollback; a start over the API inside the
/// lock is refused (also created and started in one call), and the executive's override is audited. On SQLite and PostgreSQL.
/// </summary>
public abstract class FreezeApiTests : EngineApiTests
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    [Fact]
    public async Task A_deploy_tool_asks_may_i_deploy_and_a_start_inside_the_lock_needs_the_executive()
    {
        using var anonymous = await ClientAsync();
        using var ci = await ClientAsync(Roles.Viewer);
        using var releng = await ClientAsync(Roles.ReleaseEngineer);
        using var ceo = await ClientAsync(Roles.ExecutiveApprover);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/freezes", Ct)).StatusCode);

        var calm = await JsonAsync(await ci.GetAsync("/api/freezes", Ct));
        Assert.True(calm.GetProperty("mayDeploy").GetBoolean());
        Assert.Equal(0, calm.GetProperty("active").GetArrayLength());

        // A canary goes live: started over the API by a person.
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), Ct);
        using var created = await releng.PostAsJsonAsync("/api/rollouts", new { planYaml = plan, fileName = "plan.yaml", metricSource = "simulator", start = true }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var live = (await JsonAsync(created)).GetProperty("id").GetInt64();

        var locked = await JsonAsync(await ci.GetAsync("/api/freezes", Ct));
        Assert.False(locked.GetProperty("mayDeploy").GetBoolean());
        Assert.False(locked.GetProperty("mayDeployCritical").GetBoolean());
        var window = locked.GetProperty("active").EnumerateArray().Single();
        Assert.Equal(("infra-lock", live, "token:test ReleaseEngineer"), (window.GetProperty("kind").GetString(), window.GetProperty("rolloutId").GetInt64(), window.GetProperty("owner").GetString()));
        Assert.Equal(JsonValueKind.Null, window.GetProperty("endsAt").ValueKind);
        Assert.Contains("no infra or provider changes", window.GetProperty("reason").GetString());
        Assert.Contains(Factory.Services.GetRequiredService<FreezeBoard>().Active, w => w.RolloutId == live); // the banner's state, read once for every viewer

        // Another rollout, scheduled; its start is refused inside the lock, then overridden by the executive.
        using var second = await releng.PostAsJsonAsync("/api/rollouts", new { planYaml = plan, fileName = "plan.yaml", metricSource = "simulator" }, Ct);
        var scheduled = (await JsonAsync(second)).GetProperty("id").GetInt64();
        using var refused = await ceo.PostAsJsonAsync($"/api/rollouts/{scheduled}/commands/start", new { reason = "T-0" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("deploys are frozen: infra lock of rollout", (await JsonAsync(refused)).GetProperty("message").GetString());
        using var overridden = await ceo.PostAsJsonAsync($"/api/rollouts/{scheduled}/commands/start", new { reason = "T-0", freezeOverrideReason = "board-approved launch window" }, Ct);
        Assert.Equal(HttpStatusCode.OK, overridden.StatusCode);
        var audit = await Factory.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(RolloutId: scheduled, Kind: "freeze.overridden"), Ct);
        Assert.Equal("board-approved launch window", Assert.Single(audit).Reason);

        // Created and started in one call inside the lock: refused (nothing created) unless the executive overrides.
        using var execReleng = await ClientAsync(Roles.ReleaseEngineer, Roles.ExecutiveApprover);
        var before = (await Factory.Services.GetRequiredService<IRolloutRepository>().ListAsync(Ct)).Count;
        using var startRefused = await releng.PostAsJsonAsync("/api/rollouts", new { planYaml = plan, fileName = "plan.yaml", metricSource = "simulator", start = true }, Ct);
        using var noOverride = await execReleng.PostAsJsonAsync("/api/rollouts", new { planYaml = plan, fileName = "plan.yaml", metricSource = "simulator", start = true }, Ct);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (startRefused.StatusCode, noOverride.StatusCode));
        Assert.Contains("cannot start: deploys are frozen: infra lock of rollout", (await JsonAsync(startRefused)).GetProperty("error").GetString());
        Assert.Equal(before, (await Factory.Services.GetRequiredService<IRolloutRepository>().ListAsync(Ct)).Count);
        using var startOverridden = await execReleng.PostAsJsonAsync("/api/rollouts",
            new { planYaml = plan, fileName = "plan.yaml", metricSource = "simulator", start = true, freezeOverrideReason = "hotfix for the live canary's region" }, Ct);
        Assert.Equal(HttpStatusCode.Created, startOverridden.StatusCode);
        var third = (await JsonAsync(startOverridden)).GetProperty("id").GetInt64();
        Assert.Contains(await Factory.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Kind: "freeze.overridden"), Ct), e => e.Reason == "hotfix for the live canary's region");

        // All roll back: the locks end, and the answer is yes again.
        foreach (var id in new[] { live, scheduled, third })
        {
            using var rollback = await ceo.PostAsJsonAsync($"/api/rollouts/{id}/commands/rollback", new { reason = "drill over" }, Ct);
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        }

        Assert.True((await JsonAsync(await ci.GetAsync("/api/freezes", Ct))).GetProperty("mayDeploy").GetBoolean());
    }

    [Fact]
    public async Task A_person_declares_a_freeze_deploy_tools_are_told_no_and_the_lift_says_yes_again()
    {
        using var viewer = await ClientAsync(Roles.Viewer);
        using var ic = await ClientAsync(Roles.IncidentCommander);
        using var releng = await ClientAsync(Roles.ReleaseEngineer);
        using var ceo = await ClientAsync(Roles.ExecutiveApprover);
        var endsAt = DateTimeOffset.UtcNow.AddDays(2);

        // Roles: a Viewer and an IC are refused before anything is read or stored.
        using var viewerDeclares = await viewer.PostAsJsonAsync("/api/freezes", new { reason = "mine", endsAt }, Ct);
        using var icDeclares = await ic.PostAsJsonAsync("/api/freezes", new { reason = "mine", endsAt }, Ct);
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (viewerDeclares.StatusCode, icDeclares.StatusCode));
        Assert.Contains("Admin, ExecutiveApprover, ReleaseEngineer", (await JsonAsync(viewerDeclares)).GetProperty("error").GetString());

        // Bad input: 400 naming the field.
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { reason = "  ", endsAt }, "reason"),
            (new { reason = "launch" }, "endsAt"),
            (new { reason = "launch", endsAt = DateTimeOffset.UtcNow.AddDays(15) }, "endsAt"),
            (new { reason = "launch", startsAt = DateTimeOffset.UtcNow.AddDays(-1), endsAt }, "startsAt"),
        })
        {
            using var bad = await releng.PostAsJsonAsync("/api/freezes", body, Ct);
            var answer = await JsonAsync(bad);
            Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, $"{field}: {bad.StatusCode}");
            Assert.Equal(field, answer.GetProperty("field").GetString());
            Assert.StartsWith(field, answer.GetProperty("error").GetString());
        }

        using var notADate = await releng.PostAsync("/api/freezes", new StringContent("""{"reason":"x","endsAt":"friday"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notADate.StatusCode);
        Assert.Contains("endsAt", (await JsonAsync(notADate)).GetProperty("error").GetString());
        Assert.True((await JsonAsync(await viewer.GetAsync("/api/freezes", Ct))).GetProperty("mayDeploy").GetBoolean());

        // Declared: may I deploy? No, not even a critical fix, and the banner's board has it at once.
        using var declared = await releng.PostAsJsonAsync("/api/freezes", new { reason = "Black Friday weekend", endsAt }, Ct);
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        var id = (await JsonAsync(declared)).GetProperty("freeze").GetProperty("id").GetInt64();
        var frozen = await JsonAsync(await viewer.GetAsync("/api/freezes", Ct));
        Assert.False(frozen.GetProperty("mayDeploy").GetBoolean());
        Assert.False(frozen.GetProperty("mayDeployCritical").GetBoolean());
        var window = frozen.GetProperty("active").EnumerateArray().Single();
        Assert.Equal(("declared", id, JsonValueKind.Null, "token:test ReleaseEngineer", "Black Friday weekend"),
            (window.GetProperty("kind").GetString(), window.GetProperty("id").GetInt64(), window.GetProperty("rolloutId").ValueKind, window.GetProperty("owner").GetString(), window.GetProperty("reason").GetString()));
        Assert.InRange(window.GetProperty("endsInSeconds").GetInt64(), 2 * 86400 - 120, 2 * 86400);
        Assert.Contains(Factory.Services.GetRequiredService<FreezeBoard>().Active, w => w.Id == id);

        // A start inside it is refused (created and started in one call: nothing created).
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), Ct);
        using var startRefused = await releng.PostAsJsonAsync("/api/rollouts", new { planYaml = plan, fileName = "plan.yaml", metricSource = "simulator", start = true }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, startRefused.StatusCode);
        Assert.Contains($"deploys are frozen: deploy freeze {id} declared by token:test ReleaseEngineer", (await JsonAsync(startRefused)).GetProperty("error").GetString());

        // Lift: a Viewer may not, a missing reason is a 400, the executive lifts; an unknown id is a 404.
        using var viewerLifts = await viewer.PostAsJsonAsync($"/api/freezes/{id}/lift", new { reason = "go" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, viewerLifts.StatusCode);
        using var noReason = await ceo.PostAsJsonAsync($"/api/freezes/{id}/lift", new { }, Ct);
        Assert.Equal((HttpStatusCode.BadRequest, "reason"), (noReason.StatusCode, (await JsonAsync(noReason)).GetProperty("field").GetString()));
        using var lifted = await ceo.PostAsJsonAsync($"/api/freezes/{id}/lift", new { reason = "sale moved to January" }, Ct);
        Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        Assert.Equal("token:test ExecutiveApprover", (await JsonAsync(lifted)).GetProperty("freeze").GetProperty("liftedBy").GetString());
        using var again = await ceo.PostAsJsonAsync($"/api/freezes/{id}/lift", new { reason = "again" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var unknown = await ceo.PostAsJsonAsync("/api/freezes/987654/lift", new { reason = "?" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        Assert.True((await JsonAsync(await viewer.GetAsync("/api/freezes", Ct))).GetProperty("mayDeploy").GetBoolean());
        Assert.DoesNotContain(Factory.Services.GetRequiredService<FreezeBoard>().Active, w => w.Id == id);
        var audit = Factory.Services.GetRequiredService<IAuditLog>();
        Assert.Equal("Black Friday weekend", Assert.Single(await audit.QueryAsync(new AuditQuery(Kind: "freeze.declared"), Ct)).Reason);
        Assert.Equal("sale moved to January", Assert.Single(await audit.QueryAsync(new AuditQuery(Kind: "freeze.lifted"), Ct)).Reason);
    }

    [Fact]
    public async Task An_infra_lock_is_not_lifted_by_hand()
    {
        using var releng = await ClientAsync(Roles.ReleaseEngineer);
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), Ct);
        using var created = await releng.PostAsJsonAsync("/api/rollouts", new { planYaml = plan, fileName = "plan.yaml", metricSource = "simulator", start = true }, Ct);
        var live = (await JsonAsync(created)).GetProperty("id").GetInt64();
        var lockId = (await JsonAsync(await releng.GetAsync("/api/freezes", Ct))).GetProperty("active").EnumerateArray().Single().GetProperty("id").GetInt64();

        using var refused = await releng.PostAsJsonAsync($"/api/freezes/{lockId}/lift", new { reason = "in my way" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"infra lock of rollout {live}: ShipRoom keeps it from the rollout's state (it ends when the rollout completes or rolls back) and it is not lifted by hand",
            (await JsonAsync(refused)).GetProperty("error").GetString());
        Assert.False((await JsonAsync(await releng.GetAsync("/api/freezes", Ct))).GetProperty("mayDeploy").GetBoolean());
    }
}

public sealed class SqliteFreezeApiTests : FreezeApiTests
{
    protected override Task<IReadOnlyDictionary<string, string?>> StorageAsync() => Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}

public sealed class PostgresFreezeApiTests(PostgresServer postgres) : FreezeApiTests
{
    private readonly PostgresStorage _storage = new(postgres, "freezes");

    protected override Task<IReadOnlyDictionary<string, string?>> StorageAsync() => _storage.SettingsAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
