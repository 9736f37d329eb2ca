namespace Trawl.Formats.Parquet.Metadata;

/// <summary>The schema tree of a file: the root's children are the top-level fields; leaves are the column chunks.</summary>
internal sealed class ParquetSchemaTree
{
    private const int MaxDepth = 100;

    private ParquetSchemaTree(ParquetSchemaNode root, List<ParquetSchemaNode> leaves)
    {
        Root = root;
        Leaves = leaves;
    }

    public ParquetSchemaNode Root { get; }
    public IReadOnlyList<ParquetSchemaNode> Leaves { get; }

    public static ParquetSchemaTree Build(IReadOnlyList<ParquetSchemaElement> elements)
    {
        if (elements.Count == 0)
            throw new ParquetException("the schema is empty");
        var root = new ParquetSchemaNode(elements[0], null);
        if (elements[0].NumChildren < 0)
            throw new ParquetException("the schema root has a negative child count");
        int pos = 1;
        var leaves = new List<ParquetSchemaNode>();
        // Iterative depth-first rebuild: a stack of (node, children still to read).
        var stack = new Stack<(ParquetSchemaNode Node, int Left)>();
        stack.Push((root, elements[0].NumChildren));
        while (stack.Count > 0)
        {
            var (node, left) = stack.Pop();
            if (left == 0)
                continue;
            stack.Push((node, left - 1));
            if (pos >= elements.Count)
                throw new ParquetException("the schema lists fewer elements than its child counts say");
            var e = elements[pos++];
            var child = new ParquetSchemaNode(e, node);
            node.Children.Add(child);
            if (child.Depth > MaxDepth)
                throw new ParquetException($"the schema nests deeper than {MaxDepth} levels");
            if (e.NumChildren < 0)
                throw new ParquetException($"schema element '{e.Name}' has a negative child count");
            if (e.NumChildren > 0 || e.Type is null)
            {
                if (e.NumChildren == 0)
                    throw new ParquetException($"schema group '{e.Name}' has no children");
                stack.Push((child, e.NumChildren));
            }
            else
            {
                child.LeafIndex = leaves.Count;
                child.PathString = PathOf(child);
                leaves.Add(child);
            }
        }
        if (pos != elements.Count)
            throw new ParquetException("the schema lists more elements than its child counts say");
        return new ParquetSchemaTree(root, leaves);
    }

    private static string PathOf(ParquetSchemaNode node)
    {
        var parts = new List<string>();
        for (var n = node; n.Parent is not null; n = n.Parent)
            parts.Add(n.Name);
        parts.Reverse();
        return string.Join(".", parts);
    }
}
