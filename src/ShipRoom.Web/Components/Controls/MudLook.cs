using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ShipRoom.Web.Components.Controls;

/// <summary>
/// MudBlazor's button and icon look for plain elements: the classes MudButton, MudIconButton and MudIcon write, and an
/// icon's SVG as one markup string. Each of those components kept its own render state in every open dashboard (about
/// 3 KB each before it showed anything, docs/benchmarks.md); the app bar, the action bar and the dashboard's links are
/// a few elements of their own component's render instead. Every string is made once per process and shared by all
/// dashboards.
/// </summary>
public static class MudLook
{
    /// <summary>A round icon-only button in the app bar's colour (MudIconButton with Color.Inherit).</summary>
    public const string InheritIconButton = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";

    private static readonly ConcurrentDictionary<(Variant, Color), string> Buttons = new();
    private static readonly ConcurrentDictionary<string, MarkupString> IconMarkup = new();
    private static readonly ConcurrentDictionary<string, MarkupString> StartIconMarkup = new();

    /// <summary>The classes of a medium MudButton of this variant and colour.</summary>
    public static string Button(Variant variant, Color color) => Buttons.GetOrAdd((variant, color), static key =>
    {
        var variantName = key.Item1.ToString().ToLowerInvariant();
        var colourName = key.Item2.ToString().ToLowerInvariant();
        return $"mud-button-root mud-button mud-button-{variantName} mud-button-{variantName}-{colourName} mud-button-{variantName}-size-medium mud-ripple";
    });

    /// <summary>A medium icon, <paramref name="icon"/> being one of MudBlazor's <c>Icons</c> (the SVG's content).</summary>
    public static MarkupString Icon(string icon) => IconMarkup.GetOrAdd(icon, static content =>
        new MarkupString($"<svg class=\"mud-icon-root mud-svg-icon mud-icon-size-medium\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{content}</svg>"));

    /// <summary>An icon before a button's text, as MudButton's <c>StartIcon</c> places it.</summary>
    public static MarkupString StartIcon(string icon) => StartIconMarkup.GetOrAdd(icon, static content =>
        new MarkupString($"<span class=\"mud-button-icon-start mud-button-icon-size-medium\">{Icon(content).Value}</span>"));
}
