using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.Rollouts;

/// <summary>"Maintain the same caps through 25%; unlock normal volume at 50%": leaving the caps' last phase asks the deploy system to lift them, audited.</summary>
public abstract class PaymentCapsLiftTests(IStorageEngine engine)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Leaving_the_caps_last_phase_lifts_them_through_the_deploy_system_and_audits_it()
    {
        var deploy = new RecordingDeploySystem();
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync(editPlan: plan => plan.Replace("  dollarsMetric: payment_dollars_total\n", "  dollarsMetric: payment_dollars_total\n  through: 1%\n", StringComparison.Ordinal));
        await host.Poller.PollAsync(id, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(16));
        await host.Poller.PollAsync(id, Ct);

        var advance = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Advance, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "gates green"), Ct);

        Assert.Equal(CommandStatus.Executed, advance.Status);
        Assert.Contains("payment caps lifted: executor deploy-system acknowledged", advance.Message);
        var lift = Assert.Single(deploy.Received, a => a.Action == PaymentCapsLift.Action);
        Assert.Equal(("10%", "releng"), (lift.PhaseName, lift.Actor));
        var audit = await host.Get<IAuditLog>().QueryAsync(new AuditQuery(RolloutId: id, Kind: PaymentCapsLift.AuditKind), Ct);
        Assert.Contains("caps through 1%", Assert.Single(audit).Reason);
        Assert.True((await advance.Published)!.PaymentCaps!.Lifted);
        Assert.False((await advance.Published)!.PaymentCaps!.LiftPending);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Caps_whose_lift_no_deploy_system_acknowledged_are_shown_lift_pending_and_still_hold(bool deploySystemRefuses)
    {
        var deploy = deploySystemRefuses ? new RecordingDeploySystem(PaymentCapsLift.Action) : null;
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync(editPlan: plan => plan.Replace("  dollarsMetric: payment_dollars_total\n", "  dollarsMetric: payment_dollars_total\n  through: 1%\n", StringComparison.Ordinal));
        await host.Poller.PollAsync(id, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(16));
        await host.Poller.PollAsync(id, Ct);

        var advance = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Advance, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "gates green"), Ct);
        host.Time.Advance(TimeSpan.FromMinutes(3));
        await host.Poller.PollAsync(id, Ct);

        Assert.Equal(CommandStatus.Executed, advance.Status);
        Assert.Contains(deploySystemRefuses ? "payment caps NOT lifted: executor deploy-system failed" : "payment caps lift pending: no deploy system is configured", advance.Message);
        await advance.Published;
        var caps = host.Published.Latest!.PaymentCaps!;
        Assert.Equal((false, true), (caps.Lifted, caps.LiftPending));
        // Still enforced: the cap triggers keep watching at 10%, not "lifted after phase 1%".
        var capTrigger = Assert.Single(host.Published.Latest.Verdict!.Triggers, t => t.Key == "cap-per-transaction");
        Assert.NotEqual(ShipRoom.Core.Evaluation.TriggerState.Stopped, capTrigger.State);
        var rollout = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        Assert.Equal(1, rollout.PhaseIndex);
    }

    [Fact]
    public async Task An_advance_inside_the_capped_phases_lifts_nothing()
    {
        var deploy = new RecordingDeploySystem();
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync(editPlan: plan => plan.Replace("  dollarsMetric: payment_dollars_total\n", "  dollarsMetric: payment_dollars_total\n  through: 25%\n", StringComparison.Ordinal));
        await host.Poller.PollAsync(id, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(16));
        await host.Poller.PollAsync(id, Ct);

        var advance = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Advance, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "gates green"), Ct);

        Assert.Equal(CommandStatus.Executed, advance.Status);
        Assert.DoesNotContain(deploy.Received, a => a.Action == PaymentCapsLift.Action);
        Assert.False((await advance.Published)!.PaymentCaps!.Lifted);
    }
}

public sealed class SqlitePaymentCapsLiftTests() : PaymentCapsLiftTests(new SqliteEngine());

public sealed class PostgresPaymentCapsLiftTests(PostgresServer server) : PaymentCapsLiftTests(new PostgresEngine(server));
