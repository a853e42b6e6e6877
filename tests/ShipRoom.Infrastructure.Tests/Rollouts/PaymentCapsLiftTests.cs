using System.Collections.Concurrent;
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

    private sealed class DeploySystem : IDeployExecutor
    {
        public ConcurrentQueue<DeployAction> Received { get; } = new();

        public string Name => "deploy-system";

        public Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken)
        {
            Received.Enqueue(action);
            return Task.FromResult(ExecutorResult.Ok($"{action.Action} acknowledged"));
        }
    }

    [Fact]
    public async Task Leaving_the_caps_last_phase_lifts_them_through_the_deploy_system_and_audits_it()
    {
        var deploy = new DeploySystem();
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
        Assert.True(advance.Snapshot!.PaymentCaps!.Lifted);
    }

    [Fact]
    public async Task An_advance_inside_the_capped_phases_lifts_nothing()
    {
        var deploy = new DeploySystem();
        await using var host = await RolloutTestHost.CreateAsync(engine, deploy);
        var id = await host.StartRolloutAsync(editPlan: plan => plan.Replace("  dollarsMetric: payment_dollars_total\n", "  dollarsMetric: payment_dollars_total\n  through: 25%\n", StringComparison.Ordinal));
        await host.Poller.PollAsync(id, Ct);
        host.Time.Advance(TimeSpan.FromMinutes(16));
        await host.Poller.PollAsync(id, Ct);

        var advance = await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Advance, RolloutTestHost.Person("releng", Roles.ReleaseEngineer), "gates green"), Ct);

        Assert.Equal(CommandStatus.Executed, advance.Status);
        Assert.DoesNotContain(deploy.Received, a => a.Action == PaymentCapsLift.Action);
        Assert.False(advance.Snapshot!.PaymentCaps!.Lifted);
    }
}

public sealed class SqlitePaymentCapsLiftTests() : PaymentCapsLiftTests(new SqliteEngine());

public sealed class PostgresPaymentCapsLiftTests(PostgresServer server) : PaymentCapsLiftTests(new PostgresEngine(server));
