namespace ShipRoom.Core.Conditions;

public enum ComparisonOperator
{
    LessOrEqual,
    GreaterOrEqual,
    Less,
    Greater,
}

/// <summary>How a relative condition reads the canary's distance from the control.</summary>
public enum RelativeMode
{
    /// <summary>|distance| ≤ limit (a gate's pass condition): inclusive at the limit.</summary>
    Within,

    /// <summary>|distance| &gt; limit, either way.</summary>
    Beyond,

    /// <summary>distance in the metric's bad direction &gt; limit.</summary>
    Worse,

    /// <summary>
    /// distance in the metric's bad direction ≤ limit (a gate's one-sided pass condition, "no more than 0.5pp worse
    /// than control"): inclusive at the limit; any distance the good way passes.
    /// </summary>
    NotWorse,
}

public enum RelativeUnit
{
    /// <summary>Percent of the control's value.</summary>
    Percent,

    /// <summary>Percentage points: the plain difference of two percentages.</summary>
    Points,

    /// <summary>Standard deviations of the control's recent distribution.</summary>
    Sigma,
}

/// <summary>A condition a plan states as text, e.g. "&lt;= 130 ms" or "within 5% of control"; <see cref="Text"/> keeps the wording.</summary>
public abstract record Condition(string Text);

/// <summary>The canary's value against a fixed limit.</summary>
public sealed record AbsoluteCondition(string Text, ComparisonOperator Operator, decimal Threshold, string? Unit) : Condition(Text);

/// <summary>The canary against the control over the same minutes.</summary>
public sealed record RelativeCondition(string Text, RelativeMode Mode, decimal Limit, RelativeUnit Unit) : Condition(Text);
