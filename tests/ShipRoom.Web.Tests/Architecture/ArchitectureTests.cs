using System.Reflection;
using System.Runtime.CompilerServices;

namespace ShipRoom.Web.Tests.Architecture;

/// <summary>
/// The layout DESIGN.md draws, held by the compiled code: dependencies point inward (Web, Cli → Infrastructure →
/// Core), no two folders depend on each other in a loop, and no class takes more than eight services.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly[] Ours =
    [
        typeof(Core.Plans.RolloutPlan).Assembly,
        typeof(Infrastructure.Storage.StorageOptions).Assembly,
        typeof(ShipRoomWebApplication).Assembly,
    ];

    private static IEnumerable<Type> OurTypes => Ours.SelectMany(a => a.GetTypes()).Where(t => !IsGenerated(t) && t.Namespace?.StartsWith("ShipRoom.", StringComparison.Ordinal) == true);

    private static bool IsGenerated(Type type) =>
        type.IsDefined(typeof(CompilerGeneratedAttribute)) || type.Name.StartsWith('<') || (type.DeclaringType is { } outer && IsGenerated(outer));

    /// <summary>The folder a type lives in, as its namespace (nested types count for their outer type).</summary>
    private static string FolderOf(Type type) => (type.DeclaringType is { } outer ? FolderOf(outer) : type.Namespace) ?? "";

    private static Dictionary<string, HashSet<string>> FolderGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in OurTypes.Where(t => t.DeclaringType is null))
        {
            var from = FolderOf(type);
            var edges = graph.TryGetValue(from, out var set) ? set : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var referenced in TypeReferences.Of(type).Where(r => Ours.Contains(r.Assembly)))
            {
                var to = FolderOf(referenced);
                if (to != from && to.StartsWith("ShipRoom.", StringComparison.Ordinal))
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    [Fact]
    public void Core_refers_to_nothing_that_does_io_and_dependencies_point_inward()
    {
        var core = typeof(Core.Plans.RolloutPlan).Assembly;
        var infrastructure = typeof(Infrastructure.Storage.StorageOptions).Assembly;

        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name!.StartsWith("ShipRoom.", StringComparison.Ordinal) || a.Name is "Npgsql" or "Dapper" or "Microsoft.Data.Sqlite" or "Quartz");
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(infrastructure.GetReferencedAssemblies(), a => a.Name == "ShipRoom.Web");
    }

    [Fact]
    public void No_two_folders_depend_on_each_other_in_a_loop()
    {
        var graph = FolderGraph();

        var loops = StronglyConnected(graph).Where(c => c.Count > 1).Select(c => string.Join(" ⇄ ", c.Order(StringComparer.Ordinal))).ToList();

        Assert.True(loops.Count == 0, "folder-level loops:\n" + string.Join("\n", loops.Select(l => "  " + l)) + "\n" + Explain(graph, loops));
    }

    [Fact]
    public void No_class_takes_more_than_eight_services()
    {
        var heavy = OurTypes
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethod("<Clone>$") is null && !typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(t) && !typeof(Exception).IsAssignableFrom(t))
            .Select(t => (Type: t, Parameters: t.GetConstructors().Select(c => c.GetParameters().Length).DefaultIfEmpty(0).Max()))
            .Where(x => x.Parameters > 8)
            .Select(x => $"{x.Type.FullName}: {x.Parameters}")
            .ToList();

        Assert.True(heavy.Count == 0, "classes with more than 8 constructor dependencies:\n  " + string.Join("\n  ", heavy));
    }

    private static string Explain(Dictionary<string, HashSet<string>> graph, IReadOnlyList<string> loops)
    {
        if (loops.Count == 0)
        {
            return "";
        }

        // Which types make each edge inside a loop, so the message says what to move.
        var members = loops.SelectMany(l => l.Split(" ⇄ ")).ToHashSet(StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (var type in OurTypes.Where(t => t.DeclaringType is null && members.Contains(FolderOf(t))))
        {
            foreach (var referenced in TypeReferences.Of(type).Where(r => Ours.Contains(r.Assembly) && members.Contains(FolderOf(r)) && FolderOf(r) != FolderOf(type)).Select(r => r.DeclaringType ?? r).Distinct())
            {
                lines.Add($"  {type.FullName} → {referenced.FullName}");
            }
        }

        return string.Join("\n", lines.Order(StringComparer.Ordinal));
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = 0;
        var indices = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();

        void Visit(string node)
        {
            indices[node] = low[node] = index++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (!indices.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], indices[next]);
                }
            }

            if (low[node] == indices[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                result.Add(component);
            }
        }

        foreach (var node in graph.Keys.ToList())
        {
            if (!indices.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return result;
    }
}
