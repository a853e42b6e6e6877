namespace ShipRoom.Core.Plans;

/// <summary>
/// Measures how deeply a YAML text nests before any YAML library sees it. YamlDotNet builds its node tree by
/// recursion, one stack frame per level: 30,000 levels of '[' (60 KB) overflow the stack, which no catch can stop,
/// and the whole server dies. This pass is a loop over the characters with no recursion, so it is safe on any text.
/// </summary>
/// <remarks>
/// It over-estimates rather than under-estimates: every block level needs a deeper column (or a compact indicator
/// such as "- - "), every flow level a '[' or '{' outside quotes and comments, and each is counted. A real plan nests
/// about five levels; <see cref="PlanParser.MaxNestingDepth"/> leaves ample room above that.
/// </remarks>
internal static class YamlNestingGuard
{
    /// <summary>The first place where nesting exceeds <paramref name="maxDepth"/>, as a 1-based line and column; null when it never does.</summary>
    public static (int Line, int Column, int Depth)? FindTooDeep(string text, int maxDepth)
    {
        var columns = new List<int>();
        var flowDepth = 0;
        var flowBase = 0;
        var quote = '\0';
        var atNodeStart = true;
        int? blockScalarParent = null;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            var i = 0;

            if (blockScalarParent is { } parent)
            {
                // The body of a literal (|) or folded (>) scalar is text, whatever characters it holds.
                if (line.Trim().Length == 0 || Indent(line) > parent)
                {
                    continue;
                }

                blockScalarParent = null;
            }

            if (quote == '\0' && flowDepth == 0)
            {
                var indent = Indent(line);
                if (IsDocumentMarker(line))
                {
                    // A new document starts from the top; a node may follow the marker on the same line.
                    columns.Clear();
                    indent = 4;
                }

                if (indent >= line.Length || line[indent] == '#' || (line[indent] == '%' && indent == 0))
                {
                    continue;
                }

                while (columns.Count > 0 && columns[^1] >= indent)
                {
                    columns.RemoveAt(columns.Count - 1);
                }

                columns.Add(indent);
                i = indent;
                // Compact nesting on one line: "- - - x", "? - x", ": - x" each open a level at a deeper column.
                while (i < line.Length && (line[i] is '-' or '?' or ':') && (i + 1 == line.Length || line[i + 1] is ' ' or '\t'))
                {
                    i++;
                    while (i < line.Length && line[i] is ' ' or '\t')
                    {
                        i++;
                    }

                    columns.Add(i);
                    if (columns.Count > maxDepth)
                    {
                        return (lineNumber, i + 1, columns.Count);
                    }
                }

                if (columns.Count > maxDepth)
                {
                    return (lineNumber, indent + 1, columns.Count);
                }

                i = SkipToValue(line, i, out var startsFlow, out var startsBlockScalar, ref quote);
                if (startsBlockScalar)
                {
                    // Its body is every following line indented deeper than the node that holds it.
                    blockScalarParent = columns[^1];
                    continue;
                }

                if (!startsFlow)
                {
                    continue;
                }

                flowBase = columns.Count;
                flowDepth = 1;
                atNodeStart = true;
                i++;
                if (flowBase + flowDepth > maxDepth)
                {
                    return (lineNumber, i, flowBase + flowDepth);
                }
            }

            for (; i < line.Length; i++)
            {
                var c = line[i];
                if (quote == '\'')
                {
                    if (c == '\'')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '\'')
                        {
                            i++;
                        }
                        else
                        {
                            quote = '\0';
                        }
                    }

                    continue;
                }

                if (quote == '"')
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == '"')
                    {
                        quote = '\0';
                    }

                    continue;
                }

                if (flowDepth == 0)
                {
                    // A quoted scalar that ran over lines in block context has ended: the rest of its line adds no level.
                    break;
                }

                var nodeStart = atNodeStart;
                atNodeStart = c is ' ' or '\t' ? atNodeStart : c is ',' or '[' or '{' || (c is '?' or ':' && (i + 1 == line.Length || line[i + 1] is ' ' or '\t'));
                switch (c)
                {
                    // Only where a node begins: inside a plain scalar (it's) a quote is an ordinary character.
                    case '\'' or '"' when nodeStart:
                        quote = c;
                        break;
                    case '#' when i == 0 || line[i - 1] is ' ' or '\t':
                        i = line.Length;
                        break;
                    case '[' or '{':
                        flowDepth++;
                        if (flowBase + flowDepth > maxDepth)
                        {
                            return (lineNumber, i + 1, flowBase + flowDepth);
                        }

                        break;
                    case ']' or '}':
                        flowDepth--;
                        if (flowDepth == 0)
                        {
                            i = line.Length;
                        }

                        break;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// From the start of a node in block context, past "key: " pairs, anchors and tags, to where its value begins.
    /// Returns the index of the '[' or '{' that opens a flow collection, or says a block scalar or a quote begins.
    /// </summary>
    private static int SkipToValue(string line, int i, out bool startsFlow, out bool startsBlockScalar, ref char quote)
    {
        startsFlow = false;
        startsBlockScalar = false;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i >= line.Length || line[i] == '#')
            {
                return line.Length;
            }

            switch (line[i])
            {
                case '[' or '{':
                    startsFlow = true;
                    return i;
                case '|' or '>':
                    startsBlockScalar = true;
                    return line.Length;
                case '&' or '!':
                    // An anchor or a tag precedes the node it names.
                    while (i < line.Length && line[i] is not (' ' or '\t'))
                    {
                        i++;
                    }

                    continue;
                case '\'' or '"':
                    var closing = ClosingQuote(line, i);
                    if (closing < 0)
                    {
                        quote = line[i];
                        return line.Length;
                    }

                    i = closing + 1;
                    break;
                default:
                    i = EndOfPlainKey(line, i);
                    break;
            }

            // After a key, "key: value" continues with the value; anything else ends the node on this line.
            if (i < line.Length && line[i] == ':' && (i + 1 == line.Length || line[i + 1] is ' ' or '\t'))
            {
                i++;
                continue;
            }

            return line.Length;
        }
    }

    private static int EndOfPlainKey(string line, int i)
    {
        for (; i < line.Length; i++)
        {
            if (line[i] == ':' && (i + 1 == line.Length || line[i + 1] is ' ' or '\t'))
            {
                return i;
            }

            if (line[i] == '#' && line[i - 1] is ' ' or '\t')
            {
                return line.Length;
            }
        }

        return line.Length;
    }

    private static int ClosingQuote(string line, int open)
    {
        var mark = line[open];
        for (var i = open + 1; i < line.Length; i++)
        {
            if (mark == '"' && line[i] == '\\')
            {
                i++;
            }
            else if (line[i] == mark)
            {
                if (mark == '\'' && i + 1 < line.Length && line[i + 1] == '\'')
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return -1;
    }

    private static int Indent(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        return i;
    }

    private static bool IsDocumentMarker(string line) =>
        (line.StartsWith("---", StringComparison.Ordinal) || line.StartsWith("...", StringComparison.Ordinal)) && (line.Length == 3 || line[3] is ' ' or '\t' or '\r');
}
