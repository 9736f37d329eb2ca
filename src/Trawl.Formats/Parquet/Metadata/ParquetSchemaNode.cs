namespace Trawl.Formats.Parquet.Metadata;

/// <summary>
/// A node of the schema tree rebuilt from the footer's flattened list. Definition and repetition
/// levels count the optional/repeated (resp. repeated) nodes from the root down to this one, so a
/// leaf entry with definition level >= <see cref="DefinitionLevel"/> means this node is present.
/// </summary>
internal sealed class ParquetSchemaNode
{
    public ParquetSchemaNode(ParquetSchemaElement element, ParquetSchemaNode? parent)
    {
        Element = element;
        Parent = parent;
        if (parent is not null)
        {
            bool optional = element.Repetition != ParquetRepetition.Required;
            DefinitionLevel = parent.DefinitionLevel + (optional ? 1 : 0);
            RepetitionLevel = parent.RepetitionLevel + (element.Repetition == ParquetRepetition.Repeated ? 1 : 0);
            Depth = parent.Depth + 1;
        }
    }

    public ParquetSchemaElement Element { get; }
    public ParquetSchemaNode? Parent { get; }
    public List<ParquetSchemaNode> Children { get; } = new();
    public string Name => Element.Name;
    public int DefinitionLevel { get; }
    public int RepetitionLevel { get; }
    public int Depth { get; }
    public bool IsLeaf => Element.Type is not null && Element.NumChildren == 0;
    public bool IsRepeated => Element.Repetition == ParquetRepetition.Repeated;

    /// <summary>For a leaf: its position among all leaves (and so among a row group's column chunks).</summary>
    public int LeafIndex { get; set; } = -1;

    /// <summary>For a leaf: the dotted path from the top-level field (the names in path_in_schema).</summary>
    public string PathString { get; set; } = "";

    public IEnumerable<ParquetSchemaNode> Leaves()
    {
        if (IsLeaf)
        {
            yield return this;
            yield break;
        }
        foreach (var c in Children)
            foreach (var l in c.Leaves())
                yield return l;
    }

    public bool IsListAnnotated => Element.ConvertedType == ParquetConvertedType.List || Element.LogicalType?.Kind == ParquetLogicalKind.List;

    public bool IsMapAnnotated => Element.ConvertedType is ParquetConvertedType.Map or ParquetConvertedType.MapKeyValue
        || Element.LogicalType?.Kind == ParquetLogicalKind.Map;
}
