using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trawl.Formats.Parquet.Metadata;
using Trawl.Formats.Tables;

namespace Trawl.Formats.Parquet.Assembly;

/// <summary>
/// Rebuilds one top-level nested field (lists, maps, structs of any depth, legacy 2-level lists,
/// unannotated repeated fields) from its leaves' repetition and definition levels, as compact JSON
/// per row. Each leaf contributes a range of level entries per row; a repeated node splits its
/// range where the repetition level drops to its own, and a node is present when the first entry's
/// definition level reaches the node's.
/// </summary>
internal sealed class NestedJsonAssembler
{
    private readonly ParquetSchemaNode _field;
    private readonly ParquetSchemaNode[] _leaves;
    private readonly LeafChunk[] _chunks;
    private readonly LeafConverter[] _converters;
    private readonly Dictionary<ParquetSchemaNode, (int First, int Count)> _leafRange = new();
    private readonly List<int[]> _scratch = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public NestedJsonAssembler(ParquetSchemaNode field, ParquetSchemaNode[] leaves, LeafChunk[] chunks, LeafConverter[] converters)
    {
        _field = field;
        _leaves = leaves;
        _chunks = chunks;
        _converters = converters;
        Index(field);
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true, MaxDepth = 1000 });
    }

    private (int First, int Count) Index(ParquetSchemaNode node)
    {
        int first = node.IsLeaf ? Array.IndexOf(_leaves, node) : -1;
        int count = 0;
        if (node.IsLeaf)
            count = 1;
        else
        {
            foreach (var c in node.Children)
            {
                var (f, n) = Index(c);
                if (first < 0) first = f;
                count += n;
            }
        }
        _leafRange[node] = (first, count);
        return (first, count);
    }

    /// <summary>After a row group is decoded: each leaf's row starts and value index per entry.</summary>
    public void Prepare(long rows)
    {
        for (int l = 0; l < _leaves.Length; l++)
        {
            var leaf = _leaves[l];
            var c = _chunks[l];
            int n = c.LevelCount;
            // Every row has at least one entry in every leaf.
            if (rows > n)
                throw new ParquetException($"leaf '{leaf.PathString}' holds {n} entries where the row group has {rows} rows");
            LeafChunk.Ensure(ref c.RowStarts, rows + 1);
            LeafChunk.Ensure(ref c.ValueIndex, n);
            int r = 0;
            if (leaf.RepetitionLevel == 0)
            {
                if (n != rows)
                    throw new ParquetException($"leaf '{leaf.PathString}' holds {n} entries where the row group has {rows} rows");
                for (int k = 0; k < n; k++) c.RowStarts[k] = k;
                r = n;
            }
            else
            {
                var rep = c.Rep;
                for (int k = 0; k < n; k++)
                {
                    if (rep[k] == 0)
                    {
                        if (r >= rows)
                            throw new ParquetException($"leaf '{leaf.PathString}' holds more rows than its row group ({rows})");
                        c.RowStarts[r++] = k;
                    }
                }
                if (n > 0 && rep[0] != 0)
                    throw new ParquetException($"leaf '{leaf.PathString}' does not start with a new row");
                if (r != rows)
                    throw new ParquetException($"leaf '{leaf.PathString}' holds {r} rows where the row group has {rows}");
            }
            c.RowStarts[rows] = n;
            int maxDef = leaf.DefinitionLevel;
            int vi = 0;
            for (int k = 0; k < n; k++)
            {
                c.ValueIndex[k] = vi;
                if (maxDef == 0 || c.Def[k] == maxDef) vi++;
            }
            if (vi != c.Values.Count)
                throw new ParquetException($"leaf '{leaf.PathString}' has {c.Values.Count} values where its levels say {vi}");
        }
    }

    public void AppendRow(int row, ColumnValues dst)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        int[] lo = Scratch(0), hi = Scratch(1);
        for (int l = 0; l < _leaves.Length; l++)
        {
            lo[l] = _chunks[l].RowStarts[row];
            hi[l] = _chunks[l].RowStarts[row + 1];
        }
        WriteField(_field, lo, hi, 1);
        _writer.Flush();
        var json = _buffer.WrittenSpan;
        if (json.SequenceEqual("null"u8))
            dst.AppendNull();
        else
            dst.AppendJson(json);
    }

    private int[] Scratch(int i)
    {
        while (_scratch.Count <= i)
            _scratch.Add(new int[_leaves.Length]);
        return _scratch[i];
    }

    private int Def(int leaf, int entry)
    {
        var c = _chunks[leaf];
        return _leaves[leaf].DefinitionLevel == 0 ? 0 : c.Def[entry];
    }

    private void WriteField(ParquetSchemaNode node, int[] lo, int[] hi, int depth)
    {
        if (node.IsRepeated)
            WriteRepeated(node, lo, hi, depth, asElement: false);
        else
            WriteInstance(node, lo, hi, depth);
    }

    private void WriteInstance(ParquetSchemaNode node, int[] lo, int[] hi, int depth)
    {
        var (first, count) = _leafRange[node];
        int s = lo[first];
        if (s >= hi[first])
            throw new ParquetException($"field '{node.Name}' has no level entries where one was expected");
        if (Def(first, s) < node.DefinitionLevel)
        {
            _writer.WriteNullValue();
            return;
        }
        if (node.IsLeaf)
        {
            _converters[first].WriteJson(_chunks[first].Values, _chunks[first].ValueIndex[s], _writer);
            return;
        }
        if (node.IsListAnnotated && node.Children.Count == 1 && node.Children[0].IsRepeated)
        {
            WriteRepeated(node.Children[0], lo, hi, depth, asElement: !IsTwoLevelList(node, node.Children[0]));
            return;
        }
        if (node.IsMapAnnotated && node.Children.Count == 1 && node.Children[0].IsRepeated && !node.Children[0].IsLeaf)
        {
            WriteMap(node.Children[0], lo, hi, depth);
            return;
        }
        _writer.WriteStartObject();
        foreach (var c in node.Children)
        {
            _writer.WritePropertyName(c.Name);
            WriteField(c, lo, hi, depth);
        }
        _writer.WriteEndObject();
        _ = count;
    }

    /// <summary>The backward-compatibility rules of the LIST spec: when the repeated node is itself the element.</summary>
    private static bool IsTwoLevelList(ParquetSchemaNode list, ParquetSchemaNode repeated)
        => repeated.IsLeaf || repeated.Children.Count > 1 || repeated.Name == "array" || repeated.Name == list.Name + "_tuple";

    private enum ElementKind { Instance, Child, MapEntry }

    /// <summary>Writes the elements of a repeated node as an array; with asElement each element is the node's single child.</summary>
    private void WriteRepeated(ParquetSchemaNode node, int[] lo, int[] hi, int depth, bool asElement)
    {
        _writer.WriteStartArray();
        ForEachElement(node, lo, hi, depth, asElement ? ElementKind.Child : ElementKind.Instance);
        _writer.WriteEndArray();
    }

    private void WriteMap(ParquetSchemaNode kv, int[] lo, int[] hi, int depth)
    {
        if (!kv.Children[0].IsLeaf)
            throw new ParquetException($"map '{kv.Name}' has a key that is not a primitive");
        _writer.WriteStartObject();
        ForEachElement(kv, lo, hi, depth, ElementKind.MapEntry);
        _writer.WriteEndObject();
    }

    private void WriteElement(ParquetSchemaNode node, int[] elo, int[] ehi, int depth, ElementKind kind)
    {
        switch (kind)
        {
            case ElementKind.Child:
                WriteField(node.Children[0], elo, ehi, depth);
                break;
            case ElementKind.Instance:
                WriteInstance(node, elo, ehi, depth);
                break;
            default:
            {
                var key = node.Children[0];
                int kl = _leafRange[key].First;
                int s = elo[kl];
                if (Def(kl, s) < key.DefinitionLevel)
                    _writer.WritePropertyName("null"u8);
                else
                    _converters[kl].WritePropertyName(_chunks[kl].Values, _chunks[kl].ValueIndex[s], _writer);
                if (node.Children.Count > 1)
                    WriteField(node.Children[1], elo, ehi, depth);
                else
                    _writer.WriteNullValue();
                break;
            }
        }
    }

    private void ForEachElement(ParquetSchemaNode node, int[] lo, int[] hi, int depth, ElementKind kind)
    {
        var (first, count) = _leafRange[node];
        int s = lo[first];
        if (s >= hi[first] || Def(first, s) < node.DefinitionLevel)
            return; // empty list
        int[] cur = Scratch(depth * 3 + 2), elo = Scratch(depth * 3 + 3), ehi = Scratch(depth * 3 + 4);
        for (int l = first; l < first + count; l++)
            cur[l] = lo[l];
        int repLevel = node.RepetitionLevel;
        while (true)
        {
            for (int l = first; l < first + count; l++)
            {
                int a = cur[l];
                if (a >= hi[l])
                    throw new ParquetException($"leaves of '{node.Name}' disagree on the number of elements");
                int b = a + 1;
                var rep = _chunks[l].Rep;
                while (b < hi[l] && rep[b] > repLevel)
                    b++;
                elo[l] = a;
                ehi[l] = b;
            }
            WriteElement(node, elo, ehi, depth + 1, kind);
            int ended = 0;
            for (int l = first; l < first + count; l++)
            {
                cur[l] = ehi[l];
                if (cur[l] >= hi[l]) ended++;
            }
            if (ended == count)
                break;
            if (ended != 0)
                throw new ParquetException($"leaves of '{node.Name}' disagree on the number of elements");
        }
    }
}
