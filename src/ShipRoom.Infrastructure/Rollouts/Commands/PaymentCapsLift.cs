namespace ShipRoom.Infrastructure.Rollouts.Commands;

/// <summary>The names lifting the payment caps goes by: the deploy action sent and the audit entry written.</summary>
public static class PaymentCapsLift
{
    public const string Action = "lift-payment-caps";

    public const string AuditKind = "payment.caps.lifted";
}
